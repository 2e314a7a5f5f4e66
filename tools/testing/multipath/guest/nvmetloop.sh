# SPDX-License-Identifier: GPL-2.0
# nvmet over loop: two ports with ANA (see nvmet.sh).
TR=loop
. /tests/nvmet.sh
