// Synthetic Shinken broker log lines, from the seed's examples (002_cc8825f3807e18c7.txt),
// with the display wrapping of the seed document removed.
export const ts = (d = new Date()) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

const pre = (level: string, t = ts()) => `[${t}] ${level} : [ broker-master ] [ Livestatus ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-46 ]`;

export const broker = {
  retried: (cmd = 'get_module_info', t?: string) => `${pre('WARNING', t)} The command call [${cmd}] for module Livestatus was sent but the call timed out (1s). We will retry one time.`,
  wrong: (cmd = 'get_module_info', t?: string) => `${pre('WARNING', t)} The command call [${cmd}] was sent but another answer was received. Retrying.`,
  failed: (cmd = 'get_module_info', t?: string) => `${pre('ERROR', t)} Failed to send command call [${cmd}] for module Livestatus because of timeout (1s).`,
  sendError: (cmd = 'get_module_info', t?: string) => `${pre('ERROR', t)} Failed to send command call [${cmd}] for module Livestatus because of error: 'int' object is not iterable`,
  executed: (secs = '0.143', t?: string) => `${pre('DEBUG', t)} The command call [get_module_info] was executed by the module Livestatus in ${secs}s`,
  unknown: (cmd = 'get_module_info', t?: string) => `${pre('WARNING', t)} Received unknown command [${cmd}] to execute !`,
  executing: (t?: string) => `${pre('DEBUG', t)} Executing command [get_module_info] with param []`,
  execError: (t?: string) => [
    `${pre('ERROR', t)} Failed to execute received command [get_module_info] with error: Exception`,
    `${pre('ERROR', t)} Traceback (most recent call last):`,
    `${pre('ERROR', t)} File "C:\\dev\\workspace\\shinken\\shinken\\basesubprocess.py", line 117, in get_and_execute_command_from_master`,
    `${pre('ERROR', t)} result = f()`,
    `${pre('ERROR', t)} raise Exception`,
    `${pre('ERROR', t)} Exception`,
  ],
  forkCleanupError: (t = ts()) => [
    `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404 ] [ sla ] On linux system, the forking mechanism (process creation) is fast but create a copy of the father process. So we have to release unnecessary resources inherited from father. The cleaning has been performed but we encountered an error:`,
    `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404 ] [ sla ] Cleanup of data from module sla raised error IOError occurred`,
    `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404 ] [ sla ] Some memory may have not been freed. Shinken will still run if enough memory remains available.`,
    `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404 ] [ sla ] ERROR stack : Traceback (most recent call last):`,
    `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404 ] [ sla ] IOError: IOError occurred`,
  ],
  forkCleanupInfo: (t = ts()) => [
    `[${t}] INFO : [ WebUI ] [ CLEAN AFTER FORK ] [ pid:3736 ] cleanup is starting`,
    `[${t}] INFO : [ WebUI ] [ CLEAN AFTER FORK ] [ pid:3736 ] cleanup done in 0.143s`,
  ],
  noise: (i: number, t = ts()) => `[${t}] INFO   : [ broker-master ] [ BROKS ] [ PID:1234 ] managed ${i} broks in 0.01s`,
};
