// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are compose files, whose ${VAR} syntax is the subject
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dockerIgnore, interpolate, parseDockerfile, readCompose } from "./image-replay.js";

describe("image replay: Dockerfile, .dockerignore and compose readers", () => {
  test("given a two-stage Dockerfile, then stages with their COPY/RUN/ENV/WORKDIR/USER in order", () => {
    const stages = parseDockerfile(
      [
        "# comment",
        "FROM node:20 AS build",
        "WORKDIR /app",
        "COPY package.json pnpm-lock.yaml ./",
        "RUN pnpm install \\",
        "  --frozen-lockfile",
        "FROM node:20 AS runtime",
        "COPY --from=build /app/dist ./dist",
        "ENV NODE_ENV=production A=b",
        "USER node",
      ].join("\n"),
    );
    assert.deepEqual(
      stages.map((s) => s.name),
      ["build", "runtime"],
    );
    assert.deepEqual(stages[0]?.instructions, [
      { op: "WORKDIR", path: "/app" },
      { op: "COPY", from: null, sources: ["package.json", "pnpm-lock.yaml"], dest: "./" },
      { op: "RUN", command: "pnpm install  --frozen-lockfile" },
    ]);
    assert.deepEqual(stages[1]?.instructions, [
      { op: "COPY", from: "build", sources: ["/app/dist"], dest: "./dist" },
      { op: "ENV", vars: { NODE_ENV: "production", A: "b" } },
      { op: "USER", user: "node" },
    ]);
  });

  test("given an instruction outside the subset, then the parse fails instead of skipping it", () => {
    assert.throws(() => parseDockerfile("FROM x\nADD a b"), /ADD is not replayed/);
    assert.throws(() => parseDockerfile("FROM x\nCOPY --chown=node a b"), /unsupported COPY flag/);
    assert.throws(() => parseDockerfile("FROM x\nCOPY src/*.ts ./"), /unsupported COPY form/);
  });

  test("given .dockerignore names, then top-level and any-depth matches", () => {
    const ignored = dockerIgnore("**/node_modules\n.git\n");
    assert.equal(ignored("node_modules"), true);
    assert.equal(ignored("services/query/node_modules/x"), true);
    assert.equal(ignored(".git/HEAD"), true);
    assert.equal(ignored("services/.git"), false);
    assert.equal(ignored("services/query/src/http/app.ts"), false);
    assert.throws(() => dockerIgnore("*.log"), /unsupported pattern/);
  });

  test("given compose interpolation, then defaults, required variables and $$ as in compose", () => {
    assert.equal(interpolate("a=${A:-x} b=${B:-y} $$", { A: "1", B: "" }), "a=1 b=y $");
    assert.throws(() => interpolate("${T:?set T in .env}", {}), /T: set T in \.env/);
  });

  test("given a compose file with merge keys, then each service's command, environment and healthcheck", () => {
    const text = [
      "x-env: &env",
      "  A: ${A:?need A}",
      "services:",
      "  s:",
      '    command: ["node", "x.js"]',
      "    environment: { <<: *env, B: ${B:-}, C: 3 }",
      '    healthcheck: { test: ["CMD", "node", "h.js"] }',
    ].join("\n");
    const s = readCompose(text, { A: "a" }).get("s");
    assert.deepEqual(s, {
      command: ["node", "x.js"],
      environment: { A: "a", C: "3" },
      healthcheck: ["node", "h.js"],
    });
    assert.throws(() => readCompose(text, {}), /need A/);
  });
});
