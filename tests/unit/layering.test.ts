/**
 * The layering rules in tests/eslint.config.mjs really refuse what ARCHITECTURE.md forbids: each
 * case lints a small file placed where the rule applies, through ESLint's own API and our config.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, test } from "vitest";
import { DOMAIN_ORDER } from "../eslint.config.mjs";

const root = path.resolve(__dirname, "../..");
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: path.join(root, "tests/eslint.config.mjs"),
});

async function problems(file: string, code: string) {
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const layering = (list: string[]) =>
  list.filter((m) => m.startsWith("@typescript-eslint/no-restricted-imports"));

describe("layering rules", () => {
  test("a route may not take a value from the schema, only its type", async () => {
    expect(
      layering(
        await problems(
          "app/routes/x.tsx",
          `import { ROLES } from "@db/schema/auth";\nexport const r = ROLES;\n`,
        ),
      ),
    ).toHaveLength(1);
    expect(
      layering(
        await problems(
          "app/routes/x.tsx",
          `import { users } from "@db/schema";\nexport const t = users;\n`,
        ),
      ),
    ).toHaveLength(1);
    expect(
      layering(
        await problems(
          "app/routes/x.tsx",
          `import type { Role } from "@db/schema/auth";\nexport type R = Role;\n`,
        ),
      ),
    ).toEqual([]);
  });

  test("a module may not import a component", async () => {
    const found = layering(
      await problems(
        "app/modules/learning/x.server.ts",
        `import { sessionWhen } from "~/components/learning";\nexport const f = sessionWhen;\n`,
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("Modules do not import components");
  });

  test("a component may import types from a server file, not values", async () => {
    expect(
      layering(
        await problems(
          "app/components/x.tsx",
          `import { getDb } from "@db/client";\nexport const d = getDb;\n`,
        ),
      ),
    ).toHaveLength(1);
    expect(
      layering(
        await problems(
          "app/components/x.tsx",
          `import { learningRecord } from "~/modules/learning/record.server";\nexport const f = learningRecord;\n`,
        ),
      ),
    ).toHaveLength(1);
    expect(
      layering(
        await problems(
          "app/components/x.tsx",
          `import type { PastClass } from "~/modules/learning/record.server";\nexport type P = PastClass;\n`,
        ),
      ),
    ).toEqual([]);
  });

  test("domains import one way, so a cycle between two domain folders cannot be written", async () => {
    // scheduling → enrollment is allowed; enrollment → scheduling would close a cycle.
    expect(
      layering(
        await problems(
          "app/modules/scheduling/x.server.ts",
          `import { rebalanceRun } from "~/modules/enrollment/seats.server";\nexport const f = rebalanceRun;\n`,
        ),
      ),
    ).toEqual([]);
    const back = layering(
      await problems(
        "app/modules/enrollment/x.server.ts",
        `import { listRuns } from "~/modules/scheduling/runs.server";\nexport const f = listRuns;\n`,
      ),
    );
    expect(back).toHaveLength(1);
    expect(back[0]).toContain("enrollment may not import a later domain");
    // Relative paths across folders are caught too; type-only imports may cross.
    expect(
      layering(
        await problems(
          "app/modules/auth/x.server.ts",
          `import { x } from "../ops/health.server";\nexport const f = x;\n`,
        ),
      ),
    ).toHaveLength(1);
    expect(
      layering(
        await problems(
          "app/modules/auth/x.server.ts",
          `import type { Stats } from "~/modules/stats/definitions";\nexport type S = Stats;\n`,
        ),
      ),
    ).toEqual([]);
  });

  test("every domain folder has its place in the order", async () => {
    const fs = await import("node:fs");
    const folders = fs.readdirSync(path.join(root, "app/modules")).sort();
    expect([...DOMAIN_ORDER].sort()).toEqual(folders);
  });
});
