/**
 * Backups of the embedded PGlite database: a gzipped tarball of its data folder, made by PGlite itself
 * (`dumpDataDir`) inside the process that holds the folder, and restored by PGlite (`loadDataDir`) into an
 * empty folder. docs/operations.md, "Backups".
 *
 * Consistency: the copy is taken with PGlite's transaction lock held, so no transaction is open and no
 * query runs while the files are read (PGlite runs one query at a time in this process), after a
 * CHECKPOINT that writes every changed page to the data files. The copy is what a clean shutdown would
 * leave; even without the checkpoint it would be a crash-consistent image that PostgreSQL's own recovery
 * (the write-ahead log is in the copy) opens like a folder after a power cut.
 *
 * The tarball is built in memory: a backup needs about the folder's size in free memory, in the process
 * that holds the folder (the app server while it runs). A data folder belongs to one PGlite version; restore
 * it with the same release of the app (or one that ships the same PGlite major version).
 */
import type { PGlite } from '@electric-sql/pglite';

/** gzip's magic bytes: how a PGlite backup starts. */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** A consistent gzipped tarball of an open PGlite database's data folder. */
export async function pgliteBackup(client: PGlite): Promise<Uint8Array> {
	await client.exec('CHECKPOINT');
	const file = await client._runExclusiveTransaction(() => client.dumpDataDir('gzip'));
	return new Uint8Array(await file.arrayBuffer());
}

/**
 * Unpacks a backup made by `pgliteBackup` into `dataDir`, which must hold no database (PGlite refuses
 * otherwise), and closes it again. The caller holds the folder's claim.
 */
export async function pgliteRestore(dataDir: string, tarball: Uint8Array): Promise<void> {
	const { PGlite } = await import('@electric-sql/pglite');
	const file = new File([tarball as BlobPart], 'backup.tar.gz', { type: 'application/x-gzip' });
	const client = await PGlite.create(dataDir, { loadDataDir: file });
	try {
		await client.query('select 1');
	} finally {
		await client.close();
	}
}
