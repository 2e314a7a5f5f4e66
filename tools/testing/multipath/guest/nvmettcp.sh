# SPDX-License-Identifier: GPL-2.0
# nvmet over TCP on 127.0.0.1: two ports with ANA (see nvmet.sh).
TR=tcp
. /tests/nvmet.sh
