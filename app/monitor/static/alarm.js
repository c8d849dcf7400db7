// The cues for a CRITICAL alert: a beep (WebAudio) and the red banner naming the calls that
// have one open. Browsers keep audio muted until the user interacts with the page, so the
// sound is armed by the first click or key press; until then the sound button says so.
// The board's feed and the open call's events both report a raised alert; one alert (its
// call and the sequence of its ALERT_RAISED event) sounds once, whichever reports it first.

import { byId, h } from "./dom.js";

const BEEPS = [0, 0.22, 0.44];
const BEEP_SECONDS = 0.14;
const TONE_HZ = 880;
const VOLUME = 0.08;
const SOUND_TEXT = {
  locked: "sound: click to arm",
  on: "♪ sound on",
  off: "sound off",
};

export class Alarm {
  constructor({ onOpen }) {
    this.onOpen = onOpen;
    this.heard = new Set();
    this.context = null;
    this.muted = false;
    this.button = byId("sound");
    this.banner = byId("critical-banner");
    // The press that arms the sound is not also a click that mutes it.
    this.armedByButton = false;
    this.button.addEventListener("click", () => {
      if (this.armedByButton) this.armedByButton = false;
      else if (this.context) this.muted = !this.muted;
      this.showSound();
    });
    const arm = (event) => {
      this.arm();
      if (!this.context) return;
      this.armedByButton = this.button.contains(event.target);
      for (const kind of ["click", "keydown"]) removeEventListener(kind, arm, true);
    };
    for (const kind of ["click", "keydown"]) addEventListener(kind, arm, true);
    this.showSound();
  }

  // Called in a user gesture's handler (a click, a key; not a press, which would sit between the
  // press and the release of a click on the board): the one moment a page may start audio.
  arm() {
    if (!this.context) {
      const AudioContext = window.AudioContext ?? window.webkitAudioContext;
      if (!AudioContext) return;
      this.context = new AudioContext();
    }
    if (this.context.state === "suspended") this.context.resume();
    this.showSound();
  }

  showSound() {
    const state = !this.context ? "locked" : this.muted ? "off" : "on";
    this.button.dataset.state = state;
    this.button.textContent = SOUND_TEXT[state];
  }

  /** A CRITICAL alert was raised on `callId` by its event `sequence`: sound once, flash the banner. */
  critical(callId, sequence) {
    const key = `${callId}:${sequence}`;
    if (this.heard.has(key)) return;
    this.heard.add(key);
    this.banner.classList.remove("flash");
    void this.banner.offsetWidth; // restart the animation
    this.banner.classList.add("flash");
    this.beep();
  }

  beep() {
    const context = this.context;
    if (!context || this.muted || context.state !== "running") return;
    const start = context.currentTime;
    for (const offset of BEEPS) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = "square";
      tone.frequency.value = TONE_HZ;
      gain.gain.setValueAtTime(VOLUME, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + BEEP_SECONDS);
      tone.connect(gain).connect(context.destination);
      tone.start(start + offset);
      tone.stop(start + offset + BEEP_SECONDS);
    }
    this.button.dataset.beeps = Number(this.button.dataset.beeps ?? 0) + 1;
  }

  /** The banner names the live calls with an open CRITICAL alert; a click on one opens it. */
  showCalls(calls) {
    const critical = calls.filter((call) => call.status !== "ENDED" && call.attention?.critical > 0);
    this.banner.hidden = critical.length === 0;
    this.banner.replaceChildren(
      h("b", {}, critical.length === 1 ? "CRITICAL alert on" : `CRITICAL alerts on ${critical.length} calls:`),
      ...critical.map((call) =>
        h(
          "button",
          { type: "button", class: "banner-call", dataset: { openCall: call.callId }, onclick: () => this.onOpen(call.callId) },
          `${call.customerName} (${call.attention.critical})`,
        ),
      ),
    );
  }
}
