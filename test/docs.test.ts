/**
 * What a fresh clone's reader can resolve: every rule code and tests cite is stated in docs/rules.md, no
 * comment points at a style guide by number, nothing refers to a path outside the repository, and the README
 * stays short with a folder map that names every top-level folder.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const THIS_FILE = path.relative(ROOT, __filename);

/** The repository's text files, tracked or new (not ignored), with their contents. */
function repositoryTexts(): { file: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && f !== THIS_FILE);
  return files.flatMap((file) => {
    const full = path.join(ROOT, file);
    try {
      if (!statSync(full).isFile()) return [];
    } catch {
      return []; // deleted in the working tree, not yet committed
    }
    const text = readFileSync(full, 'utf8');
    return text.includes('\0') ? [] : [{ file, text }];
  });
}

/** Each match of `pattern` as `file:line: match`. */
function occurrences(pattern: RegExp, texts = repositoryTexts()): string[] {
  return texts.flatMap(({ file, text }) =>
    text.split('\n').flatMap((line, i) => [...line.matchAll(pattern)].map((m) => `${file}:${i + 1}: ${m[0]}`)),
  );
}

const rulesDoc = readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
const statedRules = new Set([...rulesDoc.matchAll(/^## (R\d+) — /gm)].map((m) => m[1]!));

describe('references a fresh clone can resolve', () => {
  const texts = repositoryTexts();

  it('states R1 to R22 in docs/rules.md, each with where it is kept and what tests it', () => {
    expect([...statedRules]).toEqual(Array.from({ length: 22 }, (_, i) => `R${i + 1}`));
    for (const section of rulesDoc.split(/^## /m).slice(1)) {
      expect(section).toMatch(/^- Kept in: /m);
      expect(section).toMatch(/^- Tested by: `test\//m);
    }
  });

  it('finds every rule the code, tests and docs cite in docs/rules.md', () => {
    const cited = occurrences(/\bR\d+\b/g, texts);
    expect(cited.length).toBeGreaterThan(100); // the scan reads the repository, not an empty list
    expect(cited.filter((c) => !statedRules.has(c.slice(c.lastIndexOf(' ') + 1)))).toEqual([]);
  });

  it('gives reasons, not numbers of a style guide kept elsewhere', () => {
    expect(occurrences(new RegExp(['STYLE', '\\s*\\d+'].join(''), 'g'), texts)).toEqual([]);
  });

  it('refers to no path outside the repository', () => {
    const outside = /\.\.\/shared\b|\/work\/(?:shared|main|prompts)\b|\b(?:DOMAIN|STYLE)\.md\b|\]\(\.\.\/\.\.\//g;
    expect(occurrences(outside, texts)).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('is at most 150 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(150);
  });

  it('keeps the two-command quick start', () => {
    expect(readme).toContain('```sh\nnpm start\nnpm test\n```');
  });

  it('names every top-level folder, and config.ts, in its folder map', () => {
    const topLevel = [
      ...new Set(
        execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
          .split('\n')
          .filter((f) => f.includes('/'))
          .map((f) => `${f.slice(0, f.indexOf('/'))}/`),
      ),
    ].filter((folder) => !folder.startsWith('.'));
    expect(topLevel.length).toBeGreaterThan(5);
    const mapped = new Set([...readme.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!));
    expect(topLevel.filter((folder) => !mapped.has(folder))).toEqual([]);
    expect(mapped.has('config.ts')).toBe(true);
  });
});
