/**
 * The one Drizzle schema, one file per part of the system behind this index (the import path
 * `$lib/server/db/schema` and drizzle.config.ts name it). Migrations are generated from it into drizzle/
 * (`npm run db:generate`) and applied at start-up. CHECKs of code columns are built from the shared
 * vocabularies (./checks.ts).
 */
export * from './auth';
export * from './org';
export * from './keys';
export * from './reports';
export * from './backoffice';
export * from './audit';
export * from './stats';
export * from './register';
export * from './leads';
export * from './protection';
export * from './departments';
export * from './inbox';
export * from './keystay';
export * from './leads-handdown';
export * from './leads-documents';
