import path from 'node:path';
import { expect } from 'chai';
import { ESLint } from 'eslint';

// The layer boundaries of DESIGN §1 are lint rules (eslint.config.mjs); each case below lints a one-line file placed at
// a virtual path in src/ and checks that the boundary fires, and that the import the layer is meant to use passes.
// The real tree is linted by `npm run lint`, which `npm test` runs before the specs.

const ROOT = path.resolve(__dirname, '../..');

/** The messages of the import-boundary rule for code linted as if it were the file at rel (under the repo root). */
async function boundaryFindings(eslint: ESLint, rel: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath: path.join(ROOT, rel) });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`lint could not parse ${rel}: ${fatal[0].message}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** Each boundary: where the code sits, what it must not import, and an import the same file may use. */
const BOUNDARIES: Array<{ rule: string; file: string; forbidden: string[]; allowed: string; says: RegExp }> = [
  {
    rule: 'transport never imports src/db',
    file: 'src/transport/rest/routes/x.ts',
    forbidden: ["import { Store } from '../../../db/store';", "import type { Repos } from '../../../db/store';", "export { num } from '../../../db/sql';"],
    allowed: "import { Services } from '../../../services';",
    says: /transport never imports src\/db/,
  },
  {
    rule: 'transport never imports knex',
    file: 'src/transport/soap/shared/x.ts',
    forbidden: ["import { Knex } from 'knex';", "import knex from 'knex';"],
    allowed: "import express from 'express';",
    says: /knex only under src\/db/,
  },
  {
    rule: 'services never import knex',
    file: 'src/services/x.ts',
    forbidden: ["import { Knex } from 'knex';"],
    allowed: "import { Repos, Store } from '../db/store';",
    says: /knex only under src\/db/,
  },
  {
    rule: 'services never build SQL (no db/sql, db/segmentSql, db/connection)',
    file: 'src/services/x.ts',
    forbidden: ["import { rawRows } from '../db/sql';", "import { compileRules } from '../db/segmentSql';", "import { connect } from '../db/connection';"],
    allowed: "import { ContactWrite } from '../db/repos/contacts';",
    says: /services never build SQL/,
  },
  {
    rule: 'domain imports only domain and lib',
    file: 'src/domain/x.ts',
    forbidden: ["import { Store } from '../db/store';", "import { ContactService } from '../services/contacts';", "import { Config } from '../config';", "import { x } from '../../test/helpers/fakes';"],
    allowed: "import { Clock } from '../lib/clock';\nimport { DomainError } from './errors';",
    says: /domain imports nothing of ours above it/,
  },
  {
    rule: 'lib imports nothing else of ours',
    file: 'src/lib/x.ts',
    forbidden: ["import { DomainError } from '../domain/errors';"],
    allowed: "import { Clock } from './clock';",
    says: /lib is the bottom layer/,
  },
  {
    rule: 'jobs never import db or transport',
    file: 'src/jobs/x.ts',
    forbidden: ["import { Store } from '../db/store';", "import { createApp } from '../transport/rest/router';"],
    allowed: "import { Services } from '../services';",
    says: /jobs call services/,
  },
  {
    rule: 'transport/http and transport/xml never import an API (soap, rest, status)',
    file: 'src/transport/xml/x.ts',
    forbidden: ["import { V2_NS } from '../soap/v2/schema';", "import { restRouter } from '../rest/router';", "import { statusRouter } from '../status/router';"],
    allowed: "import { readBody } from '../http/body';\nimport { DomainError } from '../../domain/errors';",
    says: /never import one/,
  },
  {
    rule: 'SOAP never imports the REST transport',
    file: 'src/transport/soap/shared/x.ts',
    forbidden: ["import { restErrorHandler } from '../../rest/errors';"],
    allowed: "import { parseXml } from '../../xml/xmlTree';",
    says: /SOAP never imports the REST transport/,
  },
  {
    rule: 'SOAP v1 never imports REST either (the dialect zones keep every transport rule)',
    file: 'src/transport/soap/v1/x.ts',
    forbidden: ["import { jsonBody } from '../../rest/json';", "import { Store } from '../../../db/store';"],
    allowed: "import { readBody } from '../../http/body';",
    says: /(SOAP never imports the REST transport|transport never imports src\/db)/,
  },
  {
    rule: 'v1 SOAP never imports v2',
    file: 'src/transport/soap/v1/x.ts',
    forbidden: ["import { V2_NS } from '../v2/schema';", "import { m } from '../../soap/v2/mappers';"],
    allowed: "import { fault } from '../shared/envelope';",
    says: /v1 SOAP adapter never imports v2/,
  },
  {
    rule: 'v2 SOAP never imports v1',
    file: 'src/transport/soap/v2/x.ts',
    forbidden: ["import { V1_NS } from '../v1/schema';"],
    allowed: "import { fault } from '../shared/envelope';",
    says: /v2 SOAP adapter never imports v1/,
  },
  {
    rule: 'express, node-soap and busboy only under src/transport',
    file: 'src/services/x.ts',
    forbidden: ["import express from 'express';", "import { Request } from 'express';", "import * as soap from 'soap';", "import Busboy from 'busboy';"],
    allowed: "import { Readable } from 'node:stream';",
    says: /express, node-soap and request body parsers only under src\/transport/,
  },
  {
    rule: 'express also stays out of db and domain',
    file: 'src/db/repos/x.ts',
    forbidden: ["import { Request } from 'express';"],
    allowed: "import { Knex } from 'knex';",
    says: /only under src\/transport/,
  },
  {
    rule: 'knex only under src/db (jobs, cli, config, app)',
    file: 'src/app.ts',
    forbidden: ["import { Knex } from 'knex';"],
    allowed: "import express from 'express';",
    says: /knex only under src\/db/,
  },
];

describe('lint: layer boundaries (DESIGN §1) are enforced', function () {
  // why: the first lint loads the config and the TypeScript parser (a few seconds on a busy machine).
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT });

  for (const b of BOUNDARIES) {
    it(`${b.rule}: fires at ${b.file}, lets the layer's own import pass`, async () => {
      for (const code of b.forbidden) {
        const found = await boundaryFindings(eslint, b.file, code);
        expect(found, code).to.have.length(1);
        expect(found[0], code).to.match(b.says);
      }
      expect(await boundaryFindings(eslint, b.file, b.allowed), b.allowed).to.deep.equal([]);
    });
  }
});
