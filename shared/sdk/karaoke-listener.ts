/**
 * Drives a karaoke listen from a media element or any `{ currentTime }` source (seconds, as
 * HTMLMediaElement has it): starts the listen, reports the position on a timer, and settles
 * when the server says the packet is unlocked (or a report is refused).
 *
 *   const session = client.listen(packet.id, audioElement);
 *   session.onProgress((p) => bar.style.width = `${p.creditedMs / song.durationMs * 100}%`);
 *   await session.done;           // unlocked
 *   await client.grab(packet.id);
 */
import type { EventPayload, EventResult, ListenProgress } from '../protocol.js';

export interface PlaybackSource {
  /** Playback position in seconds. */
  readonly currentTime: number;
}

export interface ListenOptions {
  /** How often to report the position, ms. @default 3000 */
  intervalMs?: number;
}

export interface ListenSession {
  /** Resolves once unlocked; rejects if the server refuses a report. */
  readonly done: Promise<ListenProgress>;
  /** Called with the server's credit after every report. Returns an unsubscribe function. */
  onProgress(listener: (progress: ListenProgress) => void): () => void;
  /** Stops reporting (the listen stays in the server's store; start again to resume). */
  stop(): void;
}

interface KaraokeRequests {
  request(
    event: 'karaoke:start',
    payload: EventPayload<'karaoke:start'>,
  ): Promise<EventResult<'karaoke:start'>>;
  request(
    event: 'karaoke:progress',
    payload: EventPayload<'karaoke:progress'>,
  ): Promise<EventResult<'karaoke:progress'>>;
}

export function listenToUnlock(
  client: KaraokeRequests,
  packetId: string,
  source: PlaybackSource,
  options: ListenOptions = {},
): ListenSession {
  const listeners = new Set<(progress: ListenProgress) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  const done = new Promise<ListenProgress>((resolve, reject) => {
    let inFlight = false;
    const report = async (): Promise<void> => {
      if (stopped || inFlight) return;
      inFlight = true;
      try {
        const progress = await client.request('karaoke:progress', {
          packetId,
          positionMs: Math.floor(source.currentTime * 1000),
        });
        for (const l of listeners) l(progress);
        if (progress.unlocked) {
          stop();
          resolve(progress);
        }
      } catch (err) {
        stop();
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        inFlight = false;
      }
    };
    client.request('karaoke:start', { packetId }).then(
      () => {
        if (!stopped) timer = setInterval(() => void report(), options.intervalMs ?? 3_000);
      },
      (err: unknown) => {
        stop();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
  return {
    done,
    stop,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
