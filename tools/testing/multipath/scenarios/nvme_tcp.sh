# SPDX-License-Identifier: GPL-2.0
#
# NVMe/TCP links lost under load (nvme_tcp_lib.sh: nvmet-tcp in two
# network namespaces, one veth link each, net_lib.sh).  fio writes and verifies
# through the round-robin head while:
#   a. the host's end of link 1 goes down, and comes back;
#   b. the target's end of link 2 becomes a black hole, and recovers;
#   c. both links are down for less than ctrl_loss_tmo: I/O waits for the
#      reconnect, then completes;
#   d. both links stay down past ctrl_loss_tmo with delayed_removal_secs
#      set: the controllers are deleted, the head stays and I/O waits; the
#      links come back, the host connects again, the I/O completes;
#   e. the same without delayed_removal_secs: the head is removed and the
#      waiting I/O fails; connected again, the new head reads back all
#      the data of d.
# Where a path or the wait covers the outage fio must end with no error
# and every block verified; each phase prints fio's longest completion
# latency (the stall the outage caused).
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh
. /scenarios/net_lib.sh
. /scenarios/nvme_tcp_lib.sh

require tcp_two_controllers tcp_setup_paths 2 64
require rr_set set_iopolicy round-robin
echo "head $HEAD, paths $P1 (port 1, $TRADDR_1) $P2 (port 2, $TRADDR_2)"

# path_lost NAME P, path_back NAME P (net_lib.sh): the controller of
# port P leaves live, and is live again.
path_lost() {
	check "${1}_ctrl${2}_lost" wait_ctrl "$2" lost "${3:-20}"
}

path_back() {
	check "${1}_ctrl${2}_live_again" wait_ctrl "$2" live 30
}

link_lost_phase a_host_link_down 1 host_cut host_restore
link_lost_phase b_target_black_hole 2 target_blackhole target_restore

# c. Both links down for 4 s (< ctrl_loss_tmo): the controllers reconnect
# and the waiting I/O completes.
both_links_down_phase c_both_down_briefly 4

# reconnect_both: links up, then (the controllers having been deleted)
# one controller per port again; P1 and P2 set.
reconnect_both() {
	host_restore 1 && host_restore 2 || return 1
	connect_port 1 && connect_port 2 || return 1
	P1=$(path_of_port 1) P2=$(path_of_port 2)
}

# both_ctrls_deleted: both controllers gave up reconnecting and are gone
# (ctrl_loss_tmo plus the reconnect attempts' time).
both_ctrls_deleted() {
	wait_ctrl 1 gone $((CTRL_LOSS_TMO + 30)) && wait_ctrl 2 gone 30
}

# d. Past ctrl_loss_tmo, the head kept by delayed_removal_secs.
echo 120 >"/sys/block/$HEAD/delayed_removal_secs"
check d_delayed_removal_set test "$(cat "/sys/block/$HEAD/delayed_removal_secs")" = 120
fio_verify_start d_head_kept "$HEAD"
check d_fio_under_way fio_running
host_cut 1 && host_cut 2
check d_both_ctrls_deleted both_ctrls_deleted
check d_head_kept test -b "/dev/$HEAD"
check d_fio_waits running "$FIO_PID"
check d_reconnected reconnect_both
check d_same_head test -b "/dev/$HEAD"
check d_io_resumes fio_running
link_phase_end d_head_kept

# e. Past ctrl_loss_tmo without delayed removal: the head goes, and the
# I/O that waited fails (fio ends with an error, it does not hang).
echo 0 >"/sys/block/$HEAD/delayed_removal_secs"
fio_start e_head_removed
check e_fio_under_way fio_running
old=$HEAD
host_cut 1 && host_cut 2
check e_both_ctrls_deleted both_ctrls_deleted
check e_head_removed wait_gone "/sys/block/$old"
check e_fio_ends finished "$FIO_PID" 30
fio_stop e_head_removed
echo "fio e_head_removed: status=$FIO_RC error=$(fio_field e_head_removed 5)"
check e_fio_failed test "$FIO_RC" != 0
check e_reconnected reconnect_both
check e_new_head wait_head
# What d wrote, read back through the new head.
echo "$HEAD" >/tmp/d_head_kept.disk
check e_new_head_reads_d_data fio_verified d_head_kept
scenario_time
