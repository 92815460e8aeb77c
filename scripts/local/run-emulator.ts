/**
 * Runs one emulator for a process in another language (the Python tests): prints
 * `{"endpoint": ...}` on stdout once it is ready, and stops it when stdin closes.
 * Usage: tsx scripts/local/run-emulator.ts dynamodb|moto|simulator
 */
import { type Emulator, startDynamoDbLocal, startMoto, startSimulator } from './emulators';

const starters: Record<string, () => Promise<Emulator>> = {
  dynamodb: () => startDynamoDbLocal(),
  moto: () => startMoto(),
  simulator: () => startSimulator(),
};

const name = process.argv[2] ?? '';
const start = starters[name];
if (!start) {
  console.error(`usage: run-emulator.ts ${Object.keys(starters).join('|')}`);
  process.exit(2);
}
const emulator = await start();
process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
const stop = async () => {
  await emulator.stop();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
