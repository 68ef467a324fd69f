// Compiles the end-to-end suites' Solidity sources (tests/e2e/contracts/*.sol) with the pinned npm
// solc through its standard-JSON interface, and writes one artifact per contract to
// tests/e2e/contracts/build/<Name>.json: abi, creation bytecode, deployed bytecode, and the compiler
// version and settings that made them.
//   node scripts/compile-contracts.mjs           write the artifacts (and delete stale ones)
//   node scripts/compile-contracts.mjs --check   write nothing; exit 1 if the committed artifacts
//                                                are not exactly what a fresh compile gives
// The output is a function of the sources alone: sources are keyed by file name (never an absolute
// path, which the metadata hash at the end of the bytecode would include), files are read in sorted
// order and the JSON is written with a fixed layout. A warning fails the compile as an error does.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sourceDir = join(root, "tests/e2e/contracts");
const buildDir = join(sourceDir, "build");

const args = process.argv.slice(2);
const check = args.includes("--check");
if (args.some((a) => a !== "--check")) {
  console.error("usage: node scripts/compile-contracts.mjs [--check]");
  process.exit(2);
}

const settings = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

const files = readdirSync(sourceDir).filter((f) => f.endsWith(".sol")).sort();
if (files.length === 0) {
  console.error(`compile-contracts: no .sol files in ${relative(root, sourceDir)}`);
  process.exit(1);
}
const sources = Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(sourceDir, f), "utf8") }]));

// Imports resolve inside the contracts folder only, so that nothing outside the repository can
// change an artifact.
function findImports(path) {
  const file = resolve(sourceDir, path);
  if (relative(sourceDir, file).startsWith("..") || !existsSync(file)) {
    return { error: `${path}: only files in ${relative(root, sourceDir)} can be imported` };
  }
  return { contents: readFileSync(file, "utf8") };
}

const output = JSON.parse(
  solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), { import: findImports }),
);
const problems = output.errors ?? [];
for (const p of problems) console.error(p.formattedMessage ?? p.message);
if (problems.length > 0) {
  console.error(`compile-contracts: ${problems.length} error(s) or warning(s); no artifacts written`);
  process.exit(1);
}

const version = solc.version();
const artifacts = new Map();
for (const source of Object.keys(output.contracts).sort()) {
  for (const name of Object.keys(output.contracts[source]).sort()) {
    if (artifacts.has(name)) {
      console.error(`compile-contracts: two contracts are named ${name}; artifact names must be unique`);
      process.exit(1);
    }
    const c = output.contracts[source][name];
    const artifact = {
      contractName: name,
      sourceName: source,
      compiler: { version, evmVersion: settings.evmVersion, optimizer: settings.optimizer },
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    };
    artifacts.set(`${name}.json`, `${JSON.stringify(artifact, null, 2)}\n`);
  }
}

const existing = existsSync(buildDir) ? readdirSync(buildDir).filter((f) => f.endsWith(".json")) : [];
const stale = existing.filter((f) => !artifacts.has(f)).sort();
const rel = (f) => relative(root, join(buildDir, f));

if (check) {
  const wrong = [];
  for (const [file, text] of artifacts) {
    const path = join(buildDir, file);
    if (!existsSync(path)) wrong.push(`${rel(file)} is missing`);
    else if (readFileSync(path, "utf8") !== text) wrong.push(`${rel(file)} differs from a fresh compile`);
  }
  for (const file of stale) wrong.push(`${rel(file)} has no contract in the sources`);
  if (wrong.length > 0) {
    for (const w of wrong) console.error(`compile-contracts: ${w}`);
    console.error("compile-contracts: run scripts/compile-contracts.sh and commit the artifacts");
    process.exit(1);
  }
  console.log(`compile-contracts: ${artifacts.size} artifacts match a fresh compile (solc ${version})`);
} else {
  mkdirSync(buildDir, { recursive: true });
  for (const [file, text] of artifacts) writeFileSync(join(buildDir, file), text);
  for (const file of stale) rmSync(join(buildDir, file));
  console.log(`compile-contracts: wrote ${[...artifacts.keys()].map(rel).join(", ")} (solc ${version})`);
  if (stale.length > 0) console.log(`compile-contracts: removed ${stale.map(rel).join(", ")}`);
}
