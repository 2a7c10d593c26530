// Word count across the cluster. The parent spawns one worker per node named on its
// command line; each worker reads its shard of INPUT through the parent's namespace
// (so the file lives on the parent's node only) and sends its counts back. The parent
// merges them, appends a summary to /results.txt under a cluster lock, and prints the
// top words and how many words each node counted.
//
//   usage: mapreduce INPUT NODE...
import * as ob from "onebox";

const TAG_COUNTS: i32 = 1;
const TOP = 10;

class Entry {
  word: string;
  count: i32;
  constructor(word: string, count: i32) {
    this.word = word;
    this.count = count;
  }
}

function isLetter(c: u8): bool {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 39;
}

/** Bytes [start, end) of the file, widened so no word is cut: a shard owns the words that start in it. */
function readShard(path: string, start: i64, end: i64): Uint8Array {
  const fd = ob.open(path, ob.O_READ);
  if (fd < 0) ob.exit(2);
  const from = start > 0 ? start - 1 : 0; // one byte before, to see if a word runs across
  ob.seek(fd, from, ob.SEEK_SET);
  const out = new Array<u8>();
  const chunk = new Uint8Array(64 * 1024);
  let pos = from;
  while (true) {
    const n = ob.read(fd, chunk);
    if (n <= 0) break;
    let stop = false;
    for (let i = 0; i < n; i++, pos++) {
      const c = chunk[i];
      // Past the end, only the rest of a word already begun is ours.
      if (pos >= end && (!isLetter(c) || out.length == 0 || !isLetter(out[out.length - 1]))) {
        stop = true;
        break;
      }
      out.push(c);
    }
    if (stop) break;
  }
  ob.close(fd);
  // Drop the tail of a word that began in the previous shard.
  let skip = 0;
  if (start > 0) {
    if (isLetter(out[0])) while (skip < out.length && isLetter(out[skip])) skip++;
    else skip = 1;
  }
  const bytes = new Uint8Array(out.length - skip);
  for (let i = skip; i < out.length; i++) bytes[i - skip] = out[i];
  return bytes;
}

function countWords(bytes: Uint8Array): Map<string, i32> {
  const counts = new Map<string, i32>();
  let i = 0;
  while (i < bytes.length) {
    while (i < bytes.length && !isLetter(bytes[i])) i++;
    const begin = i;
    while (i < bytes.length && isLetter(bytes[i])) i++;
    if (i > begin) {
      const word = String.UTF8.decodeUnsafe(bytes.dataStart + begin, i - begin, false).toLowerCase();
      counts.set(word, counts.has(word) ? counts.get(word) + 1 : 1);
    }
  }
  return counts;
}

function worker(path: string, start: i64, end: i64): void {
  const counts = countWords(readShard(path, start, end));
  const words = counts.keys();
  let text = "";
  for (let i = 0; i < words.length; i++) text += words[i] + " " + counts.get(words[i]).toString() + "\n";
  ob.sendText(ob.getppid(), TAG_COUNTS, text);
}

function parent(path: string, nodes: string[]): void {
  const st = ob.stat(path);
  if (st == null) {
    ob.eprint("mapreduce: cannot stat " + path + " (errno " + ob.errno().toString() + ")");
    ob.exit(1);
    return;
  }
  const size = <i64>st.size;
  const n = nodes.length;
  const nodeOfPid = new Map<i32, string>();
  for (let i = 0; i < n; i++) {
    const start = (size * i) / n;
    const end = (size * (i + 1)) / n;
    const pid = ob.spawn("", ["worker", path, start.toString(), end.toString()], [], nodes[i]);
    if (pid < 0) {
      ob.eprint("mapreduce: cannot spawn on " + nodes[i] + " (errno " + ob.errno().toString() + ")");
      ob.exit(1);
    }
    nodeOfPid.set(pid, nodes[i]);
  }
  const total = new Map<string, i32>();
  const perNode = new Array<string>();
  for (let i = 0; i < n; i++) {
    const m = ob.recv([TAG_COUNTS])!;
    const lines = m.text().split("\n");
    let words = 0;
    for (let j = 0; j < lines.length; j++) {
      const space = lines[j].indexOf(" ");
      if (space < 0) continue;
      const word = lines[j].substring(0, space);
      const count = I32.parseInt(lines[j].substring(space + 1));
      total.set(word, total.has(word) ? total.get(word) + count : count);
      words += count;
    }
    perNode.push(nodeOfPid.get(m.sender) + " counted " + words.toString() + " words");
  }
  for (let i = 0; i < n; i++) ob.wait();

  const keys = total.keys();
  const ranked = new Array<Entry>();
  let all = 0;
  for (let i = 0; i < keys.length; i++) {
    ranked.push(new Entry(keys[i], total.get(keys[i])));
    all += total.get(keys[i]);
  }
  ranked.sort((a: Entry, b: Entry): i32 => (a.count != b.count ? b.count - a.count : a.word < b.word ? -1 : 1));

  const token = ob.lock("mapreduce-results", 10_000);
  const fd = ob.open("/results.txt", ob.O_WRITE | ob.O_CREATE | ob.O_APPEND);
  ob.writeText(fd, "run " + ob.getpid().toString() + " (fencing token " + token.toString() + "): " + all.toString() + " words, " + keys.length.toString() + " distinct\n");
  ob.close(fd);
  ob.unlock("mapreduce-results");

  ob.print("mapreduce: " + all.toString() + " words, " + keys.length.toString() + " distinct, over " + n.toString() + " nodes");
  for (let i = 0; i < perNode.length; i++) ob.print("  " + perNode[i]);
  ob.print("top words:");
  for (let i = 0; i < ranked.length && i < TOP; i++) ob.print("  " + ranked[i].word + " " + ranked[i].count.toString());
}

const argv = ob.args();
if (argv.length > 1 && argv[1] == "worker") worker(argv[2], I64.parseInt(argv[3]), I64.parseInt(argv[4]));
else if (argv.length < 3) ob.eprint("usage: mapreduce INPUT NODE...");
else parent(argv[1], argv.slice(2));
