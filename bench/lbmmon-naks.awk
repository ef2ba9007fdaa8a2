# The peer of the lbmmon first scan in the benchmark (run with mawk): a comparable pass over the
# log, per transport series (application, source), the growth of "NAKs sent" and of the
# unrecoverable-loss counters between consecutive samples. Prints the totals.
/statistics received/ { hdr = $0; src = ""; next }
/^Source: / { src = $2; next }
/^\t/ {
  if (hdr !~ /^Receiver statistics/) next
  split($0, kv, ":"); label = kv[1]; sub(/^\t/, "", label); sub(/ +$/, "", label)
  if (label != "LBT-RM NAKs sent" && label !~ /unrecoverable/) next
  v = kv[2] + 0; key = hdr src label; sub(/, sent .*/, "", key)
  if (key in last && v >= last[key]) { if (label ~ /NAKs/) naks += v - last[key]; else lost += v - last[key] }
  last[key] = v
}
END { print "naks", naks + 0; print "unrecoverable", lost + 0 }
