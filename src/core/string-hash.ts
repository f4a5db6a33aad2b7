// 32-bit FNV-1a over UTF-16 code units: the core's one string hash (address
// index, session ids, agent_operations field prefixes). Not a defence against
// crafted collisions; every use either confirms a match or can afford a miss.

export function fnv1a(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** fnv1a of `text[from, to)`: the same hash without cutting the substring out. */
export function fnv1aRange(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}
