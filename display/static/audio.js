// The announcement player of the waiting-room display.
//
// One <audio> element, reused for every sound, and a first-in first-out queue: announcements never
// overlap and keep the order of the calls. A recall is simply queued again. When an announcement's
// WAV is missing or fails to load, the chime alone is played instead and the queue carries on.
// The server decides what the display plays: `audio_url` is the call's WAV (chime + voice), the
// chime alone (voice off or failing), or null when the display must stay silent (the server PC's
// own speaker announces, or both voice and chime are switched off).
//
// Browsers refuse to play sound until the page has been clicked once (autoplay policy). The player
// probes for that at start with a short silent sound; when play() is refused with NotAllowedError
// it keeps its queue, reports "blocked" through `onSound`, and resumes after `unlock()` (a click).
//
// On a TV PC the block is lifted by starting Chromium in kiosk mode with
//   chromium --kiosk --autoplay-policy=no-user-gesture-required http://SERVER:8000/display
// and then no click is ever needed.

import { encodeWav } from "../common/lib/wav.js";

const MAX_QUEUE = 6; // a long blocked period must not replay a backlog of old calls
const MAX_AGE_MS = 120000; // an announcement older than this is no longer useful
const MAX_PLAY_MS = 30000; // a sound that never ends or errors must not stall the queue
const LOG_SIZE = 50;

// A 50 ms silent WAV (8 kHz, 16-bit mono), used to probe the autoplay policy without a sound.
function silentWavUrl() {
  return URL.createObjectURL(encodeWav(new Float32Array(400), 8000));
}

export class AnnouncementPlayer {
  /**
   * @param {object} options
   * @param {string} options.chimeUrl - the chime alone, the fallback of every announcement
   * @param {(sound: string) => void} [options.onSound] - "blocked" until the page is clicked, then "on"
   * @param {(busy: boolean) => void} [options.onBusy] - an announcement starts / the queue is empty
   */
  constructor({ chimeUrl, onSound = () => {}, onBusy = () => {} }) {
    this.chimeUrl = chimeUrl;
    this.onSound = onSound;
    this.onBusy = onBusy;
    this.sound = "unknown";
    this.audio = new Audio();
    this.audio.preload = "auto";
    this.silentUrl = silentWavUrl();
    this.queue = [];
    this.playing = false;
    this.blocked = false;
    this.busy = false;
    this.playbackRate = 1;
    // What was played, for diagnostics and tests: {url, kind, label, result, startedAt, endedAt}.
    this.log = [];
  }

  /** Check once at start whether the browser lets this page play sound. */
  probe() {
    this.queue.unshift({ url: this.silentUrl, kind: "probe", queuedAt: performance.now() });
    this._pump();
  }

  /** Queue one call's announcement; a null `url` means the display stays silent for this call. */
  enqueue(url, label = "") {
    if (!url) return;
    this.queue.push({
      url,
      kind: url === this.chimeUrl ? "chime" : "announcement",
      label,
      queuedAt: performance.now(),
    });
    while (this.queue.length > MAX_QUEUE) this.queue.shift();
    this._pump();
  }

  /** Called from a click: the browser now allows sound; play what waits. */
  unlock() {
    this.blocked = false;
    if (this.queue.length === 0 && !this.playing) this.probe();
    else this._pump();
  }

  _setSound(sound) {
    if (sound === this.sound) return;
    this.sound = sound;
    this.onSound(sound);
  }

  _setBusy(busy) {
    if (busy === this.busy) return;
    this.busy = busy;
    this.onBusy(busy);
  }

  async _pump() {
    if (this.playing || this.blocked) return;
    const now = performance.now();
    let item = this.queue.shift();
    while (item && item.kind !== "probe" && now - item.queuedAt > MAX_AGE_MS) item = this.queue.shift();
    if (!item) {
      this._setBusy(false);
      return;
    }
    this.playing = true;
    if (item.kind !== "probe") this._setBusy(true);
    let result = await this._play(item.url, item.kind, item.label);
    if (result === "failed" && item.url !== this.chimeUrl && item.kind !== "probe") {
      result = await this._play(this.chimeUrl, "chime", item.label);
    }
    this.playing = false;
    if (result === "blocked") {
      if (item.kind !== "probe") this.queue.unshift(item);
      this.blocked = true;
      this._setBusy(false);
      this._setSound("blocked");
      return;
    }
    this._pump();
  }

  // Resolves "ended", "failed" or "blocked"; never rejects.
  _play(url, kind, label = "") {
    const audio = this.audio;
    const entry = { url, kind, label, result: null, startedAt: null, endedAt: null };
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        audio.onended = null;
        audio.onerror = null;
        if (result !== "ended") audio.pause();
        entry.result = result;
        entry.endedAt = performance.now();
        if (result === "ended") this._setSound("on");
        if (kind !== "probe" || result !== "ended") this._record(entry);
        resolve(result);
      };
      const watchdog = setTimeout(() => finish("failed"), MAX_PLAY_MS);
      audio.onended = () => finish("ended");
      audio.onerror = () => finish("failed");
      audio.src = url;
      audio.defaultPlaybackRate = this.playbackRate;
      audio.playbackRate = this.playbackRate;
      const started = audio.play();
      started.then(
        () => {
          entry.startedAt = performance.now();
        },
        (error) => finish(error && error.name === "NotAllowedError" ? "blocked" : "failed"),
      );
    });
  }

  _record(entry) {
    this.log.push(entry);
    if (this.log.length > LOG_SIZE) this.log.shift();
  }
}
