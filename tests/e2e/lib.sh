# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the e2e tests: nodes in network namespaces, each with its own
# corosync (and /run), clusnotifyd and port readers; cleanup by pid.
#
# A node N is the namespace cn-nN. Its corosync runs in a private mount
# namespace (ip netns exec gives one) with its own tmpfs on /run (the pid file
# is fixed) and its own state_dir; its clients only need the network
# namespace, since corosync's IPC uses abstract sockets.

E2E_REPO=${E2E_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
E2E_DIR=${E2E_DIR:-/tmp/e2e}
CLUSNOTIFYD=${CLUSNOTIFYD:-$E2E_REPO/tools/clusnotifyd/clusnotifyd}
CNWATCH=${CNWATCH:-$E2E_REPO/tests/e2e/cnwatch}
CLUSNOTIFY=${CLUSNOTIFY:-$E2E_REPO/tools/clusnotify}
# TCG is slow: every wait is bounded, but generously. The bounds only catch a
# hang: E2E_WAIT_SCALE multiplies each of them (check.sh sets it on the debug
# kernel, where KASAN and lockdep make corosync and pacemaker several times
# slower).
E2E_WAIT=${E2E_WAIT:-60}
E2E_WAIT_SCALE=${E2E_WAIT_SCALE:-1}
E2E_VERBOSE=${E2E_VERBOSE:-0}

declare -a e2e_pids=()
declare -a e2e_netns=()
declare -A cs_pid=()
declare -A d_pid=()
declare -A pcmk_pid=()

say() { echo "# $*"; }

# Runs a command in node N's namespace. Background jobs use ip netns exec
# directly, so that $! is the pid of the program itself.
in_node() {
	local n=$1
	shift
	ip netns exec "cn-n$n" "$@"
}

track_pid() { e2e_pids+=("$1"); }

now() { date +%s.%N; }

# wait_for FILE ERE [SECS [FROM]]: until a line of FILE after its first FROM
# lines (0: from the start) matches; prints it. A check that times what
# follows an action passes FROM=$(lines FILE), taken before the action, so
# that a line logged earlier can never stand in for the one it waits for.
wait_for() {
	local file=$1 re=$2 secs=${3:-$E2E_WAIT} from=${4:-0} end line
	end=$(($(date +%s) + ${secs%.*} * E2E_WAIT_SCALE + 1))
	while :; do
		line=$(tail -n +"$((from + 1))" "$file" 2>/dev/null | grep -E -m1 -- "$re") &&
			{ echo "$line"; return 0; }
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.1
	done
	say "timed out after ${secs}s waiting for /$re/ in $file${4:+ after line $from}"
	return 1
}

# lines FILE: how many lines FILE has now (0 if it does not exist yet).
lines() {
	if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# wait_cmd SECS CMD...: until CMD succeeds.
wait_cmd() {
	local secs=$1 end
	shift
	end=$(($(date +%s) + secs * E2E_WAIT_SCALE))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# netns_setup NODES LINKS: namespaces cn-n1.. and a switch namespace cn-sw
# with one bridge per link; node N has ethL = 10.99.L.N/24 on bridge L.
netns_setup() {
	local nodes=$1 links=$2 n l
	ip netns add cn-sw || return 1
	e2e_netns+=(cn-sw)
	ip -n cn-sw link set lo up
	for ((l = 0; l < links; l++)); do
		ip -n cn-sw link add "br$l" type bridge || return 1
		ip -n cn-sw link set "br$l" up
	done
	for ((n = 1; n <= nodes; n++)); do
		ip netns add "cn-n$n" || return 1
		e2e_netns+=("cn-n$n")
		ip -n "cn-n$n" link set lo up
		for ((l = 0; l < links; l++)); do
			ip link add "cn$n-$l" netns cn-sw type veth peer name "eth$l" netns "cn-n$n" || return 1
			ip -n cn-sw link set "cn$n-$l" master "br$l" up
			ip -n "cn-n$n" addr add "10.99.$l.$n/24" dev "eth$l"
			ip -n "cn-n$n" link set "eth$l" up
		done
	done
}

# single_netns: node 1 alone, on 127.0.0.1.
single_netns() {
	ip netns add cn-n1 || return 1
	e2e_netns+=(cn-n1)
	ip -n cn-n1 link set lo up
}

# cs_conf N NODES LINKS [EXTRA_TOTEM]: writes node N's corosync.conf.
cs_conf() {
	local n=$1 nodes=$2 links=$3 extra=${4:-} dir=$E2E_DIR/n$1 i l
	mkdir -p "$dir/state"
	{
		cat <<-EOT
		totem {
			version: 2
			cluster_name: e2e
			transport: knet
			crypto_cipher: none
			crypto_hash: none
			token: 500
			token_coefficient: 0
		$extra
		}
		system {
			sched_rr: no
			move_to_root_cgroup: no
			allow_knet_handle_fallback: yes
			state_dir: $dir/state
		}
		logging {
			to_stderr: yes
			to_syslog: no
			to_logfile: no
			timestamp: hires
		}
		quorum {
			provider: corosync_votequorum
		}
		nodelist {
		EOT
		for ((i = 1; i <= nodes; i++)); do
			echo "	node {"
			echo "		nodeid: $i"
			echo "		name: n$i"
			if [ "$links" = 0 ]; then
				echo "		ring0_addr: 127.0.0.$i"
			else
				for ((l = 0; l < links; l++)); do
					echo "		ring${l}_addr: 10.99.$l.$i"
				done
			fi
			echo "	}"
		done
		echo "}"
	} >"$dir/corosync.conf"
}

# cs_start N: corosync of node N, in the background.
cs_start() {
	local n=$1 dir=$E2E_DIR/n$1
	ip netns exec "cn-n$n" sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && exec corosync -f -c "$1"' \
		sh "$dir/corosync.conf" >>"$dir/corosync.log" 2>&1 &
	cs_pid[$n]=$!
	track_pid "${cs_pid[$n]}"
}

# cs_members N: how many nodes node N's corosync has in its membership.
cs_members() {
	in_node "$1" corosync-cmapctl -g runtime.votequorum.this_node_id >/dev/null 2>&1 || { echo 0; return; }
	in_node "$1" corosync-quorumtool -p 2>/dev/null | awk '/^Nodes:/ { print $2; f = 1 } END { if (!f) print 0 }'
}

# cs_wait_members N COUNT [SECS]
cs_wait_members() {
	local n=$1 want=$2 secs=${3:-$E2E_WAIT} end
	end=$(($(date +%s) + secs * E2E_WAIT_SCALE))
	while [ "$(cs_members "$n")" != "$want" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			say "node $n: corosync has $(cs_members "$n") members, not $want, after ${secs}s"
			return 1
		fi
		sleep 0.2
	done
}

# cs_kill N [SIG]: kills node N's corosync and removes what it leaves in /dev/shm.
cs_kill() {
	local n=$1 sig=${2:-KILL} pid=${cs_pid[$1]:-}
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf /dev/shm/qb-"$pid"-* /dev/shm/qb-corosync-"$pid"-*
	unset "cs_pid[$n]"
}

# d_start N [CONF]: node N's clusnotifyd.
d_start() {
	local n=$1 conf=${2:-$E2E_DIR/n$1/clusnotifyd.conf} v=()
	[ -f "$conf" ] || printf 'link_poll_interval = 500\nreconnect_min = 200\nreconnect_max = 1000\n' >"$conf"
	[ "$E2E_VERBOSE" = 0 ] || v=(-v -v)
	ip netns exec "cn-n$n" "$CLUSNOTIFYD" -f "${v[@]}" -v -c "$conf" \
		>>"$E2E_DIR/n$n/clusnotifyd.log" 2>&1 &
	d_pid[$n]=$!
	track_pid "${d_pid[$n]}"
}

d_kill() {
	local n=$1 sig=${2:-TERM} pid=${d_pid[$1]:-}
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "d_pid[$n]"
}

# watch_start N OUT ARGS...: a port reader in node N's namespace.
watch_start() {
	local n=$1 out=$2
	shift 2
	ip netns exec "cn-n$n" "$CNWATCH" "$@" >"$out" 2>"$out.err" &
	track_pid $!
	echo $!
}

# Kills every process this test started, newest first, then the namespaces.
cleanup() {
	local i pid
	pcmk_stop
	for ((i = ${#e2e_pids[@]} - 1; i >= 0; i--)); do
		pid=${e2e_pids[$i]}
		kill -TERM "$pid" 2>/dev/null
	done
	for ((i = ${#e2e_pids[@]} - 1; i >= 0; i--)); do
		pid=${e2e_pids[$i]}
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rm -rf /dev/shm/qb-"$pid"-* /dev/shm/qb-corosync-"$pid"-*
	done
	for ((i = ${#e2e_netns[@]} - 1; i >= 0; i--)); do
		ip netns del "${e2e_netns[$i]}" 2>/dev/null
	done
	e2e_pids=()
	e2e_netns=()
	cs_pid=()
	d_pid=()
}

# cib_seed FILE [CONSTRAINTS]: a CIB that starts in seconds (short
# dc-deadtime, no fencing) with a group "grp" holding one
# ocf:pacemaker:Dummy, "dummy", and CONSTRAINTS (XML) if given.
cib_seed() {
	local cib
	cib=$(cat <<-'EOT'
	<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
	  <configuration>
	    <crm_config>
	      <cluster_property_set id="cib-bootstrap-options">
	        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
	        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
	        <nvpair id="opt-recheck" name="cluster-recheck-interval" value="1min"/>
	        <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
	      </cluster_property_set>
	    </crm_config>
	    <nodes/>
	    <resources>
	      <group id="grp">
	        <primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy">
	          <operations>
	            <op id="dummy-monitor" name="monitor" interval="3s" timeout="20s"/>
	            <op id="dummy-start" name="start" interval="0" timeout="20s"/>
	            <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
	          </operations>
	        </primitive>
	      </group>
	    </resources>
	    <constraints/>
	  </configuration>
	  <status/>
	</cib>
	EOT
	)
	[ -z "${2:-}" ] || cib=${cib/<constraints\/>/<constraints>$2<\/constraints>}
	printf '%s\n' "$cib" >"$1"
}

# pcmk_start N [CONSTRAINTS]: pacemaker on node N, with private /run and
# /var/lib/pacemaker (the CIB seeded as cib_seed says).
pcmk_start() {
	local n=$1 dir=$E2E_DIR/n$1
	mkdir -p "$dir"
	cib_seed "$dir/cib.xml" "${2:-}"
	ip netns exec "cn-n$n" env PCMK_logfile="$dir/pacemaker.log" PCMK_logfacility=none \
		PCMK_debug=no HA_LOGFACILITY=none sh -c '
		mount -t tmpfs -o mode=0755 tmpfs /run &&
		mount -t tmpfs -o mode=0750 tmpfs /var/lib/pacemaker &&
		mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
			/var/lib/pacemaker/blackbox /var/lib/pacemaker/cores &&
		cp "$1" /var/lib/pacemaker/cib/cib.xml &&
		chown -R hacluster:haclient /var/lib/pacemaker &&
		touch "$2" && chown hacluster:haclient "$2" &&
		exec pacemakerd -f' sh "$dir/cib.xml" "$dir/pacemaker.log" \
		>>"$dir/pacemakerd.out" 2>&1 &
	pcmk_pid[$n]=$!
	track_pid "${pcmk_pid[$n]}"
}

# pcmk_stop [N]: node N's pacemakerd (every node's if N is left out) and
# its children, by pid, and their /dev/shm files.
pcmk_stop() {
	local n pid kids k
	if [ $# = 0 ]; then
		for n in "${!pcmk_pid[@]}"; do
			pcmk_stop "$n"
		done
		return 0
	fi
	n=$1 pid=${pcmk_pid[$1]:-}
	[ -n "$pid" ] || return 0
	kids=$(pgrep -P "$pid")
	kill -KILL "$pid" $kids 2>/dev/null
	wait "$pid" 2>/dev/null
	for k in $pid $kids; do
		rm -rf /dev/shm/qb-"$k"-* /dev/shm/qb-*-"$k"-*
	done
	unset "pcmk_pid[$n]"
}

# rsc_state N RSC: "Started", "Stopped", ... as crm_resource says.
rsc_where() {
	in_node "$1" crm_resource --locate -r "$2" 2>/dev/null
}
