# The broker check's classification in awk, the peer of the benchmark (run with mawk) and a
# second opinion on its counts: command-call events by kind, the slowest execution, and
# fork-cleanup ERROR blocks. Prints "kind count" lines, as compared with the plugin's perfdata.
# Like the plugin, it matches the messages case-insensitively on the text after the brackets, and
# takes a line for its category only when the bracket holds exactly it ([ COMMAND CALLS ] is not).
/COMMAND CALL[ \t]*\]/ {
  line = $0
  # the text after "[ COMMAND CALL ] [ PID:n ] [ thread ] "
  i = index(line, "COMMAND CALL"); rest = substr(line, i + 12)
  sub(/^[^]]*\][ \t]*/, "", rest)
  if (rest ~ /^\[[ \t]*[Pp][Ii][Dd][ \t]*:[ \t]*[0-9]+[ \t]*\]/) { sub(/^\[[^]]*\][ \t]*/, "", rest); if (rest ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", rest) }
  t = tolower(rest)
  if (t ~ /^failed to send command call \[.+\] for module .+ because of timeout/) c["timeouts_failed"]++
  else if (t ~ /^failed to send command call \[.+\] for module .+ because of error/) c["send_errors"]++
  else if (t ~ /^the command call \[.+\] for module .+ was sent,? but the call timed out/) c["timeouts_retried"]++
  else if (t ~ /^the command call \[.+\] was sent but another answer was received/) c["wrong_answers"]++
  else if (t ~ /^received unknown command \[.+\] to execute/) c["unknown_commands"]++
  else if (t ~ /^failed to execute received command \[.+\] with error/) c["exec_errors"]++
  else if (t ~ /^the command call \[.+\] was executed by the module .+ in [0-9.]+[ \t]*s/) {
    s = t; sub(/.* in /, "", s); v = s + 0; if (v > max) max = v
  }
  next
}
/CLEAN AFTER FORK[ \t]*\]/ {
  # an ERROR line whose category, after one to three names, is the fork one (a message may name it too)
  if ($0 !~ /^\[[^]]*\][ \t]*ERROR[ \t]*:[ \t]*\[[^]]*\][ \t]*(\[[^]]*\][ \t]*)?(\[[^]]*\][ \t]*)?\[[ \t]*CLEAN AFTER FORK[ \t]*\]/) next
  key = $0; sub(/\] [^]]*$/, "", key)  # the prefix up to the sub-module bracket: module, pid, sub-module, time
  if ($0 ~ /\] On linux/ || key != lastkey) c["fork_cleanup_errors"]++
  lastkey = key
}
END {
  n = split("timeouts_failed send_errors exec_errors timeouts_retried wrong_answers unknown_commands fork_cleanup_errors", k, " ")
  for (j = 1; j <= n; j++) print k[j], c[k[j]] + 0
  printf "exec_time_max %s\n", max + 0
}
