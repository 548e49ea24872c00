// The entry of /sw-release-gm.js (scripts/sw-release-gm.ts bundles it for GM builds only): see ./sw-release-gm.ts.
import { installGmReleaseVerifier } from './sw-release-gm';

installGmReleaseVerifier(self as unknown as Parameters<typeof installGmReleaseVerifier>[0]);
