/**
 * Search over node types, shared by the node picker and the palette: every word of the query
 * must match the title, type id, category or description; closer matches rank first.
 */
export type SearchableNodeType = {
  type: string;
  title: string;
  category: string;
  description: string;
};

// Where a word matched decides its weight: a title prefix beats a word inside a description.
const WEIGHTS = {
  titlePrefix: 100,
  titleWord: 80,
  title: 60,
  type: 50,
  category: 40,
  description: 20,
  titleInitials: 10,
} as const;

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Letters of `needle` appear in order in `haystack` ("jsn" in "jsonata"). */
function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) {
    if (char === needle[at]) at++;
    if (at === needle.length) return true;
  }
  return false;
}

function scoreWord(word: string, item: SearchableNodeType): number {
  const title = item.title.toLowerCase();
  if (title.startsWith(word)) return WEIGHTS.titlePrefix;
  if (words(title).some((w) => w.startsWith(word))) return WEIGHTS.titleWord;
  if (title.includes(word)) return WEIGHTS.title;
  if (item.type.toLowerCase().includes(word)) return WEIGHTS.type;
  // "transforms" (the palette's heading) finds the `transform` category too.
  const category = item.category.toLowerCase();
  if (category.startsWith(word) || word.startsWith(category)) return WEIGHTS.category;
  if (item.description.toLowerCase().includes(word)) return WEIGHTS.description;
  if (word.length >= 2 && isSubsequence(word, title.replace(/\s+/g, ''))) {
    return WEIGHTS.titleInitials;
  }
  return 0;
}

/**
 * The node types matching `query`, best first (ties keep catalogue order). An empty query
 * matches everything in catalogue order.
 */
export function searchNodeTypes<T extends SearchableNodeType>(
  items: readonly T[],
  query: string,
): T[] {
  const queryWords = words(query);
  if (queryWords.length === 0) return [...items];
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    let score = 0;
    for (const word of queryWords) {
      const wordScore = scoreWord(word, item);
      if (wordScore === 0) return;
      score += wordScore;
    }
    scored.push({ item, score, index });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.item);
}
