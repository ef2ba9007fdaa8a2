// Rewrites C lbmmon output (our generator's, byte-exact to lbmmon.c) into what the Java and .NET
// lbmmon examples print for the same statistics, following their published print statements
// (UMQ 5.3.6 doc/java_example/lbmmon.java, doc/dotnet_example/lbmmon.cs): no context instance,
// no process/object IDs (.NET keeps them on context and event-queue headers), `at` printed from an
// address object, another `sent` format, and the Java example's own titles and labels.
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** Java Date.toString(): "Tue Mar 04 09:30:05 CET 2025" */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} UTC ${d.getFullYear()}`;
}

/** .NET DateTime.ToString() in en-US: "3/4/2025 9:30:05 AM" */
export function dotnetDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getHours() % 12 || 12;
  return `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()} ${h}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

const JAVA_TITLES: Record<string, string> = {
  'Event queue statistics received': 'Event Queue statistics received',
  'IM source statistics received': 'Immediate message source statistics received',
  'IM receiver statistics received': 'Immediate message receiver statistics received',
};

const JAVA_LABELS: Record<string, string | null> = {
  'Unresolved topics in receiver topic map': 'Topic resolution unresolved receiver topics',
  'Topics in receiver topic map': 'Topic resolution receiver topics',
  'Topics in source topic map': 'Topic resolution source topics',
  'Data messages currently enqueued': 'Data messages enqueued',
  'Data message service minimum time': 'Data messages min service time (microseconds)',
  'Data message service mean time': 'Data messages mean service time (microseconds)',
  'Data message service maximum time': 'Data messages max service time (microseconds)',
  'Event latency minimum time': 'Minimum age of events enqueued (microseconds)',
  'Event latency mean time': 'Mean age of events enqueued (microseconds)',
  'Event latency maximum time': 'Max age of events enqueued (microseconds)',
  // the 5.3.6 Java context block has no fragment or callback lines
  'Number of data message fragments lost': null,
  'Number of data message fragments unrecoverably lost': null,
};

const MONTH_NUM: Record<string, number> = Object.fromEntries(MONTHS.map((m, i) => [m, i]));

function ctimeMs(text: string): number {
  const m = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(text)!;
  return new Date(Number(m[6]), MONTH_NUM[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
}

export function toDialect(c: string, dialect: 'java' | 'dotnet'): string {
  return c.split('\n').map((line) => {
    const h = /^(.* received) from (.*) at (\d+\.\d+\.\d+\.\d+)(, process ID=\w+, object ID=\w+)(?:, context instance=\w+, domain ID=\d+)?, sent (.*)$/.exec(line);
    if (h) {
      const ms = ctimeMs(h[5]);
      if (dialect === 'java') return `${JAVA_TITLES[h[1]] ?? h[1]} from ${h[2]} at /${h[3]}, sent ${javaDate(ms)}`;
      // .NET prints the process and object IDs on context and event-queue headers only
      const ids = /^(Context|Event queue) statistics/.test(h[1]) ? h[4] : '';
      return `${h[1]} from ${h[2]} at ${h[3]}${ids}, sent ${dotnetDate(ms)}`;
    }
    const f = /^\t(.*?) *: (\S*)$/.exec(line);
    if (f && dialect === 'java' && f[1] in JAVA_LABELS) {
      const label = JAVA_LABELS[f[1]];
      return label === null ? null : `\t${label}: ${f[2].replace(/us$/, '')}`;
    }
    return line;
  }).filter((l) => l !== null).join('\n');
}
