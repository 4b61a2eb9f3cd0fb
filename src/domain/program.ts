import { DomainError } from './errors';

// Automation programs and enrolments: a program (managed per account by the operator) is a named journey; enrolling
// contacts records each one for a delivery worker to run the program's steps. The gateway runs no program steps.

/** Program statuses (the vendor's apiProgramStatus without the .NET default). */
export const PROGRAM_STATUSES = ['Draft', 'Deactivated', 'Active', 'ReadOnly'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

/** Enrolment statuses (the vendor's apiProgramEnrolmentStatus without the .NET default). */
export const ENROLMENT_STATUSES = ['Processing', 'Finished'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/** Why a contact of an enrolment was not enrolled: the vendor's error codes, as the faults report lists them. */
export const ENROLMENT_FAULTS = ['ERROR_CONTACT_NOT_FOUND', 'ERROR_CONTACT_SUPPRESSED', 'ERROR_PROGRAM_NOT_ACTIVE'] as const;
export type EnrolmentFault = (typeof ENROLMENT_FAULTS)[number];

/** A program. */
export interface Program {
  id: number;
  name: string;
  status: ProgramStatus;
  createdAt: number;
}

/** An enrolment: who was asked to be enrolled, and how it went. */
export interface Enrolment {
  id: string;
  accountId: number;
  programId: number;
  status: EnrolmentStatus;
  contactIds: number[];
  addressBookIds: number[];
  refreshedSegments: number[];
  /** Contacts enrolled (null until processed). */
  enrolled: number | null;
  createdAt: number;
  finishedAt: number | null;
}

/** One fault of an enrolment. */
export interface EnrolmentFaultRow {
  contactId: number;
  reason: EnrolmentFault;
}

/** Checks a program name: 1..200 characters. */
export function programName(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new DomainError('PROGRAM_INVALID', 'A program needs a name.');
  if (v.trim().length > 200) throw new DomainError('PROGRAM_INVALID', 'A program name is at most 200 characters.');
  return v.trim();
}

/** Checks a program status. */
export function programStatus(v: unknown): ProgramStatus {
  const s = typeof v === 'string' ? PROGRAM_STATUSES.find((x) => x.toLowerCase() === v.trim().toLowerCase()) : undefined;
  if (!s) throw new DomainError('PROGRAM_INVALID', `The status must be one of ${PROGRAM_STATUSES.join(', ')}.`);
  return s;
}
