# SPDX-License-Identifier: GPL-2.0
#
# Reads `clusnotify watch` lines and prints each one with what its payload
# means appended: a state's name (NODE STATE ... payload=u32:1 -> "(Down)"),
# a string payload (GROUP OWNER_NODE, NODE GROUP_GAINED...) decoded, and
# CLUSTER MEMBERSHIP's CLUSTER_MEMBERSHIP_INFO (quorate, then one byte per
# member node id). Lines it does not know pass as they are.

function hexdigit(d) {
	return index("0123456789abcdef", tolower(d)) - 1
}

function hexstr(h,    s, i, c) {
	s = ""
	for (i = 1; i + 1 <= length(h); i += 2) {
		c = hexdigit(substr(h, i, 1)) * 16 + hexdigit(substr(h, i + 1, 1))
		if (c == 0)
			break
		s = s sprintf("%c", c)
	}
	return s
}

# The bytes of a hex string, hex pair N (from 1) as a number.
function byte(h, n) {
	return hexdigit(substr(h, 2 * n - 1, 1)) * 16 + hexdigit(substr(h, 2 * n, 1))
}

# A u32 printed as a number back into its 4 little-endian bytes, as hex.
function u32hex(v,    h, i) {
	if (v < 0)
		v += 4294967296
	h = ""
	for (i = 0; i < 4; i++) {
		h = h sprintf("%02x", v % 256)
		v = int(v / 256)
	}
	return h
}

function membership(h,    q, n, i, s) {
	q = byte(h, 1)
	n = byte(h, 5)
	s = q ? "quorate" : "not quorate"
	s = s ", members:"
	for (i = 0; i < n; i++)
		s = s " " byte(h, 9 + i)
	return s
}

BEGIN {
	split("Up Down Paused Joining", node, " ")
	split("Online Offline Failed PartialOnline Pending", group, " ")
	split("Inherited Initializing Online Offline Failed", rsc, " ")
	rsc[128 + 1] = "Pending"; rsc[129 + 1] = "OnlinePending"; rsc[130 + 1] = "OfflinePending"
	split("Unavailable Failed Unreachable Up", nif, " ")
	split("Unavailable Down Partitioned Up", net, " ")
	split("lost quorate", quorum, " ")
	cluster[1] = "connected"; cluster[2] = "disconnected"; cluster[3] = "deleted"
}

{
	what = ""
	v = ""
	if (match($0, / payload=u32:-?[0-9]+/))
		v = substr($0, RSTART + 13, RLENGTH - 13) + 0
	strflag = $0 ~ / (GROUP OWNER_NODE|RESOURCE OWNER_GROUP|NODE GROUP_(GAINED|LOST)|GROUP RESOURCE_(GAINED|LOST)) /
	if (strflag) {
		# A string payload: printed as hex, or as a u32 if it has 4 bytes.
		if (v != "")
			what = "\"" hexstr(u32hex(v)) "\""
		else if (match($0, / payload=hex:[0-9a-f]+/))
			what = "\"" hexstr(substr($0, RSTART + 13, RLENGTH - 13)) "\""
		if (what == "\"\"")
			what = "none"
		else if ($0 ~ / GROUP OWNER_NODE /)
			what = "node " what
	} else if ($0 ~ / CLUSTER MEMBERSHIP / && match($0, / payload=hex:[0-9a-f]+/)) {
		what = membership(substr($0, RSTART + 13, RLENGTH - 13))
	} else if (v != "") {
		if (v == -1)
			what = "Unknown"
		else if ($0 ~ / NODE STATE /)
			what = node[v + 1]
		else if ($0 ~ / GROUP STATE /)
			what = group[v + 1]
		else if ($0 ~ / RESOURCE STATE /)
			what = rsc[v + 1]
		else if ($0 ~ / NETWORK_INTERFACE STATE /)
			what = nif[v + 1]
		else if ($0 ~ / NETWORK STATE /)
			what = net[v + 1]
		else if ($0 ~ / QUORUM STATE /)
			what = quorum[v + 1]
		else if ($0 ~ / CLUSTER STATE /)
			what = cluster[v]
	}
	if (what != "")
		print $0 "  (" what ")"
	else
		print
	fflush()
}
