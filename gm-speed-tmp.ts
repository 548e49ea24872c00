import { gmSuite } from './src/lib/crypto/gm/suite';
import { naclSuite } from './src/lib/crypto/nacl-suite';
const key = new Uint8Array(32).fill(3);
const data = new Uint8Array(4 * 1024 * 1024);
for (const s of [naclSuite, gmSuite]) {
  let t = performance.now();
  const ct = s.encryptAttachment(key, data, { name: 'a', type: '' });
  const e = performance.now() - t; t = performance.now();
  const pt = s.decryptAttachment(key, ct);
  console.log(s.id, 'enc 4MiB ms', e.toFixed(0), 'dec', (performance.now() - t).toFixed(0), pt.data.length);
  const kp = s.generateBoxKeyPair(); t = performance.now();
  for (let i = 0; i < 20; i++) s.openSealedKey(s.sealKey(key, kp.publicKey), kp);
  console.log(' seal+open x20 ms', (performance.now() - t).toFixed(0));
  const sk = s.generateSigningKeyPair(); t = performance.now();
  for (let i = 0; i < 20; i++) s.verify(data.subarray(0, 300), s.sign(data.subarray(0, 300), sk.secretKey), sk.publicKey);
  console.log(' sign+verify x20 ms', (performance.now() - t).toFixed(0));
}
