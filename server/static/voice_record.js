// The "Rekam suara" page: walk through the pack's words, record each with the microphone,
// play it back and save it. The browser records webm/opus; the page decodes it with Web Audio
// and sends a 16-bit mono WAV, so the server needs no codec.

import { staffApi as api } from "./lib/api.js";
import { now } from "./lib/clock.js";
import { notice, $, $$ } from "./lib/dom.js";
import { encodeWav } from "./lib/wav.js";

const MAX_SECONDS = 8;
const KINDS = { kalimat: "Kalimat", loket: "Nama loket", huruf: "Huruf", angka: "Angka" };

let items = [];
let index = 0;
let take = null; // the WAV Blob of the last recording or upload, not yet saved
let recorder = null;
let stopTimer = null;

function notify(message, isError) {
  notice($("#notice"), message, isError, 6000);
}

function setState(text) {
  $("#take-state").textContent = text;
}

// ---- WAV from any audio the browser can decode ---------------------------------------------

async function toWav(blob) {
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const length = Math.min(audio.length, Math.floor(audio.sampleRate * 9.5));
    const mono = new Float32Array(length);
    for (let channel = 0; channel < audio.numberOfChannels; channel++) {
      const data = audio.getChannelData(channel);
      for (let i = 0; i < length; i++) mono[i] += data[i] / audio.numberOfChannels;
    }
    return encodeWav(mono, audio.sampleRate);
  } finally {
    context.close();
  }
}

function showTake(blob) {
  take = blob;
  const player = $("#take");
  if (player.src) URL.revokeObjectURL(player.src);
  player.src = URL.createObjectURL(blob);
  player.hidden = false;
  $("#save").disabled = false;
  setState("Dengarkan dulu, lalu simpan atau rekam ulang.");
}

// ---- recording ---------------------------------------------------------------------------------

async function startRecording() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, autoGainControl: false } });
  } catch (error) {
    notify("Mikrofon tidak dapat dipakai: " + error.message, true);
    return;
  }
  const chunks = [];
  recorder = new MediaRecorder(stream);
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data.size) chunks.push(event.data);
  });
  recorder.addEventListener("stop", async () => {
    stream.getTracks().forEach((track) => track.stop());
    $("#record").hidden = false;
    $("#stop").hidden = true;
    try {
      showTake(await toWav(new Blob(chunks, { type: recorder.mimeType })));
    } catch (error) {
      notify("Rekaman tidak dapat dibaca: " + error.message, true);
    }
    recorder = null;
  });
  recorder.start();
  $("#record").hidden = true;
  $("#stop").hidden = false;
  setState("Merekam… ucapkan kata di atas, lalu tekan Berhenti.");
  stopTimer = setTimeout(stopRecording, MAX_SECONDS * 1000);
}

function stopRecording() {
  clearTimeout(stopTimer);
  if (recorder && recorder.state === "recording") recorder.stop();
}

// ---- the word list -----------------------------------------------------------------------------

function show(at) {
  if (!items.length) return;
  index = (at + items.length) % items.length;
  const item = items[index];
  $("#word-step").textContent = `Kata ${index + 1} dari ${items.length} · ${KINDS[item.kind] || item.kind}`;
  $("#word-title").textContent = item.name;
  $("#word-say").textContent = item.text;
  $("#record").textContent = item.recorded ? "● Rekam ulang" : "● Rekam";
  $("#play-saved").disabled = !item.recorded;
  $("#save").disabled = true;
  $("#take").hidden = true;
  take = null;
  setState(item.recorded ? "Sudah direkam." : "Belum direkam.");
  $$("#words-body tr").forEach((row, i) => row.classList.toggle("current", i === index));
}

function renderList(state) {
  const body = $("#words-body");
  body.replaceChildren();
  state.items.forEach((item, i) => {
    const row = document.createElement("tr");
    const status = item.recorded ? "Sudah direkam" : item.covered ? "Tercakup rekaman lain" : "Belum ada";
    const cells = [item.name + ".wav", item.text, KINDS[item.kind] || item.kind, status];
    cells.forEach((value, column) => {
      const cell = document.createElement("td");
      cell.textContent = value;
      if (column === 3) cell.className = item.covered ? "ok" : "missing";
      row.append(cell);
    });
    const actions = document.createElement("td");
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "button button-quiet";
    pick.textContent = "Pilih";
    pick.addEventListener("click", () => show(i));
    actions.append(pick);
    if (item.recorded) {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-quiet";
      remove.textContent = "Hapus";
      remove.addEventListener("click", () => removeClip(item.name));
      actions.append(remove);
    }
    row.append(actions);
    body.append(row);
  });
  const missing = state.missing.length;
  $("#pack-summary").textContent = missing
    ? `${state.items.length - missing} dari ${state.items.length} kata sudah ada di paket suara. Belum ada (diucapkan mesin suara): ${state.missing.join(", ")}.`
    : `Semua ${state.items.length} kata sudah ada di paket suara.`;
  $("#pack-summary").classList.toggle("bad", missing > 0);
}

async function load(at) {
  const state = await api("GET", "/api/admin/voice-pack");
  items = state.items;
  renderList(state);
  show(at === undefined ? index : at);
}

async function save() {
  if (!take) return;
  const item = items[index];
  try {
    await api("PUT", `/api/admin/voice-pack/clips/${encodeURIComponent(item.name)}`, take, {
      contentType: "audio/wav",
    });
  } catch (error) {
    notify(error.message, true);
    return;
  }
  notify(`Rekaman "${item.text}" disimpan.`);
  await load(index);
  setState("Tersimpan.");
}

async function removeClip(name) {
  if (!window.confirm(`Hapus rekaman ${name}.wav?`)) return;
  try {
    await api("DELETE", `/api/admin/voice-pack/clips/${encodeURIComponent(name)}`);
    notify(`Rekaman ${name}.wav dihapus.`);
    await load(index);
  } catch (error) {
    notify(error.message, true);
  }
}

function playSaved() {
  const player = $("#take");
  player.src = `/api/admin/voice-pack/clips/${encodeURIComponent(items[index].name)}.wav?t=${now()}`;
  player.hidden = false;
  player.play().catch(() => {});
}

async function upload(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    showTake(await toWav(file));
  } catch {
    notify("Berkas suara tidak dapat dibaca.", true);
  }
}

async function importPack(event) {
  event.preventDefault();
  try {
    const result = await api("POST", "/api/admin/voice-pack/import", new FormData(event.target));
    notify(`${result.imported.length} rekaman diimpor.`);
    event.target.reset();
    await load(index);
  } catch (error) {
    notify(error.message, true);
  }
}

function init() {
  const canRecord = window.isSecureContext && navigator.mediaDevices && window.MediaRecorder;
  if (!canRecord) {
    $("#insecure").hidden = false;
    $("#record").hidden = true;
  }
  $("#record").addEventListener("click", startRecording);
  $("#stop").addEventListener("click", stopRecording);
  $("#save").addEventListener("click", save);
  $("#play-saved").addEventListener("click", playSaved);
  $("#upload").addEventListener("change", upload);
  $("#prev").addEventListener("click", () => show(index - 1));
  $("#next").addEventListener("click", () => show(index + 1));
  $("#next-missing").addEventListener("click", () => {
    const after = items.findIndex((item, i) => i > index && !item.covered);
    const first = items.findIndex((item) => !item.covered);
    show(after >= 0 ? after : first >= 0 ? first : index + 1);
  });
  $("#pack-import").addEventListener("submit", importPack);
  load(0).catch((error) => notify(error.message, true));
}

init();
