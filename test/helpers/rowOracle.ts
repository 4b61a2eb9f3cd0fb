import { emailKey, isValidEmail } from '../../src/domain/contact';
import { coerceFieldValue } from '../../src/domain/dataField';
import { AUDIENCE_TYPES, EMAIL_TYPES, matchEnum, OPT_IN_TYPES } from '../../src/domain/enums';
import { HeaderMap, ImportRow, RowFault } from '../../src/domain/importFile';

/**
 * The import row rules read plainly, one object per row: the oracle RowReader (src/domain/importFile.ts) is checked
 * against in test/unit/importFile.spec.ts. why here: the gateway has one row validator; this is its specification.
 */
export function parseRow(rowNo: number, cells: string[], h: HeaderMap): ImportRow | RowFault {
  const rawEmail = String(cells[h.emailIndex] ?? '').trim();
  if (!isValidEmail(rawEmail)) return { rowNo, reason: 'InvalidEmail', email: rawEmail, cells, counter: 'invalidEntries' };
  const row: ImportRow = { rowNo, email: rawEmail, key: emailKey(rawEmail), data: {}, cells };
  for (let i = 0; i < h.columns.length; i++) {
    const col = h.columns[i];
    const cell = cells[i] === undefined || cells[i] === null ? '' : String(cells[i]);
    if (cell.trim() === '') continue;
    switch (col.kind) {
      case 'field':
        try {
          const v = coerceFieldValue(col.field, cell);
          if (v !== null) row.data[col.field.name] = v;
        } catch {
          return badValue(rowNo, col.field.name, rawEmail, cells);
        }
        break;
      case 'optInType':
        row.optInType = matchEnum(OPT_IN_TYPES, cell);
        if (!row.optInType) return badValue(rowNo, 'OptInType', rawEmail, cells);
        break;
      case 'emailType':
        row.emailType = matchEnum(EMAIL_TYPES, cell);
        if (!row.emailType) return badValue(rowNo, 'EmailType', rawEmail, cells);
        break;
      case 'audienceType':
        row.audienceType = matchEnum(AUDIENCE_TYPES, cell);
        if (!row.audienceType) return badValue(rowNo, 'AudienceType', rawEmail, cells);
        break;
      case 'notes':
        row.notes = cell;
        break;
      default:
        break;
    }
  }
  return row;
}

function badValue(rowNo: number, what: string, email: string, cells: string[]): RowFault {
  return { rowNo, reason: `InvalidValue: ${what}`.slice(0, 60), email, cells, counter: 'failures' };
}
