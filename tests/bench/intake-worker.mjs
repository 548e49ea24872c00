// Entry of the client worker threads: worker threads do not inherit tsx's loader, so register it here.
import { register } from 'tsx/esm/api';
register();
await import('./intake-worker.ts');
