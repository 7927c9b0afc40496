import { writeSpecEvidence } from './src/claims/evidence.ts';
const t = performance.now();
await writeSpecEvidence('/tmp/r1');
console.log(((performance.now()-t)/1000).toFixed(1),'s');
