# SPDX-License-Identifier: GPL-2.0
# Shared by the guest sides of make insnprof (guest.sh, guest-scsi.sh):
# packed as /tests/insnprof-lib.sh and sourced after /tests/lib.sh.
# Kernel command line: mpprof=N1,N2 sets the I/Os of the two runs of each
# target (default 2000,6000); mpprof=syms only prints the ksym line of
# __x64_sys_sync (the host needs the marker address and the kernel has no
# System.map) and ends the script.

n1=2000 n2=6000
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpprof=syms)
		grep -E '^[0-9a-f]+ [tT] __x64_sys_sync$' /proc/kallsyms |
			sed 's/^/MPPROF ksym /'
		ok prof_syms
		exit 0
		;;
	mpprof=*)
		IFS=, read -r n1 n2 <<-EOF
			${arg#mpprof=}
		EOF
		;;
	esac
done

# profile TARGET DEV: the two fio runs of TARGET (4 KiB random reads at
# queue depth 1 within the first $prof_size of DEV), each bracketed by
# sync calls, the plugin's markers.
profile() {
	for n in "$n1" "$n2"; do
		echo "MPPROF run $1 $n"
		sync
		hostrun /usr/bin/fio --name=prof --filename="$2" --direct=1 \
			--ioengine=io_uring --rw=randread --bs=4k --iodepth=1 \
			--number_ios="$n" --size="$prof_size" --thread --norandommap \
			--randrepeat=0 --output=/tmp/prof.out >/dev/null 2>&1 ||
			fail "prof_fio_$1" "fio failed on $2: $(tail -3 /tmp/prof.out 2>/dev/null)"
		sync
	done
}
