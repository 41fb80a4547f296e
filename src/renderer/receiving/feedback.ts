import type { Tone } from '../../shared/receiving/match';

/**
 * Sound a technician hears without looking: one high beep for a good scan, a low double beep
 * for a bad one (a mid double for a flagged one). WebAudio oscillators, no audio files.
 * Browsers start audio only after a user gesture: `unlockAudio()` runs on the first click or
 * key press of the Receiving screen.
 */
let ctx: AudioContext | null = null;
let nextFree = 0;

function audio(): AudioContext | null {
  try {
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctor) return null;
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    return ctx;
  } catch {
    return null;
  }
}

export function unlockAudio(): void {
  audio();
}

export const BEEPS: Record<Tone, { hz: number; at: number; dur: number }[]> = {
  good: [{ hz: 1760, at: 0, dur: 0.09 }],
  warn: [
    { hz: 440, at: 0, dur: 0.12 },
    { hz: 440, at: 0.18, dur: 0.12 },
  ],
  bad: [
    { hz: 220, at: 0, dur: 0.16 },
    { hz: 220, at: 0.24, dur: 0.16 },
  ],
  info: [],
};

export function beep(tone: Tone): void {
  const a = audio();
  if (!a) return;
  const start = Math.max(a.currentTime + 0.01, nextFree);
  for (const b of BEEPS[tone]) {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.type = 'square';
    osc.frequency.value = b.hz;
    const t = start + b.at;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + b.dur);
    osc.connect(gain).connect(a.destination);
    osc.start(t);
    osc.stop(t + b.dur + 0.02);
    nextFree = t + b.dur + 0.05;
  }
}
