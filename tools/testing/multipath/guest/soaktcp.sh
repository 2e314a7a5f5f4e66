# SPDX-License-Identifier: GPL-2.0
# Soak over nvmet tcp (see soak.sh).
TR=tcp
. /tests/soak.sh
