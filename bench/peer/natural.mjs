// The peer: natural's Dutch SentimentAnalyzer (pattern's vocabulary) over
// the same JSONL corpus marktstem scores. It tokenises with natural's Dutch
// tokenizer and scores every article, with or without natural's Dutch
// Porter stemmer, and prints MB/s and articles/s. It does far less than
// marktstem (no sentences, shifters beyond negation, companies, risk or
// output files), which is why it is a floor-ish peer, not a competitor.
//
//   node natural.mjs corpus.jsonl [--stem]
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import natural from "natural";

const path = process.argv[2];
const stem = process.argv.includes("--stem");
const analyzer = new natural.SentimentAnalyzer("Dutch", stem ? natural.PorterStemmerNl : null, "pattern");
const tokenizer = new natural.AggressiveTokenizerNl();

const start = process.hrtime.bigint();
let bytes = 0, articles = 0, sum = 0;
const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
for await (const line of rl) {
  bytes += Buffer.byteLength(line) + 1;
  if (!line.trim()) continue;
  const a = JSON.parse(line);
  const text = (a.title ? a.title + "\n\n" : "") + (a.body || "");
  const score = analyzer.getSentiment(tokenizer.tokenize(text));
  if (Number.isFinite(score)) sum += score;
  articles++;
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`natural${stem ? "+stemmer" : ""}: ${bytes} bytes, ${articles} articles in ${secs.toFixed(2)}s: ` +
  `${(bytes / secs / 1e6).toFixed(1)} MB/s, ${(articles / secs).toFixed(0)} articles/s (mean score ${(sum / articles).toFixed(4)})`);
