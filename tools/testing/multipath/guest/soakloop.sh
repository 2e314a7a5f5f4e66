# SPDX-License-Identifier: GPL-2.0
# Soak over nvmet loop (see soak.sh).
TR=loop
. /tests/soak.sh
