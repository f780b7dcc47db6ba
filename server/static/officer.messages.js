// What the officer's console says after each action, in the office's words.

export const MESSAGES = {
  nobodyWaiting: "Tidak ada antrian menunggu.",
  calling: (n, counter) => `Memanggil ${n} ke ${counter}.`,
  recalled: (n) => `${n} dipanggil ulang.`,
  started: (n) => `Mulai melayani ${n}.`,
  finished: (n) => `${n} selesai dilayani.`,
  returned: (n) => `${n} tidak hadir: dikembalikan ke akhir antrian.`,
  noShow: (n) => `${n} ditandai tidak hadir.`,
  transferred: (n, service) => `${n} dialihkan ke layanan ${service}.`,
  closesCurrent: (n) => `${n} akan dianggap selesai`,
  skipTitle: (n) => `Tandai ${n} tidak hadir?`,
  skipReturns: (n) => `${n} akan dikembalikan ke akhir antrian dan dapat dipanggil lagi nanti.`,
  skipCloses: (n) => `${n} sudah pernah dilewati. Antriannya akan ditutup sebagai tidak hadir.`,
  skipOk: "Ya, tidak hadir",
  calls: (count) => `dipanggil ${count}×`,
};
