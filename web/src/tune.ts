/**
 * A short tune generated with Web Audio (no audio files), exposing `currentTime` like a
 * media element so the SDK's listen helper can drive a karaoke listen from it.
 */
const NOTES = [262, 262, 392, 392, 440, 440, 392, 349, 349, 330, 330, 294, 294, 262]; // 小星星

export class Tune {
  private ctx: AudioContext | null = null;
  private started = 0;
  private stoppedAt: number | null = null;

  constructor(private readonly durationMs: number) {}

  /** Playback position, seconds (0 before play, frozen after stop or the end). */
  get currentTime(): number {
    if (!this.ctx) return 0;
    const now = this.stoppedAt ?? this.ctx.currentTime;
    return Math.min(now - this.started, this.durationMs / 1000);
  }

  play(): void {
    const ctx = new AudioContext();
    this.ctx = ctx;
    this.started = ctx.currentTime;
    const step = this.durationMs / 1000 / NOTES.length;
    NOTES.forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'triangle';
      osc.frequency.value = freq;
      const at = this.started + i * step;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + step * 0.95);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + step);
    });
  }

  stop(): void {
    if (this.ctx && this.stoppedAt === null) {
      this.stoppedAt = this.ctx.currentTime;
      void this.ctx.close();
    }
  }
}
