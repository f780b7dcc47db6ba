// The server's over-time alert (`ticket_overtime`), in the office's words: one sentence, the same
// on the officer's console and on the supervisor's board.

/**
 * "Perhatian: A012 sudah menunggu 12 menit, melewati standar waktu 10 menit." — or, for a ticket
 * at a counter, "Perhatian: B003 di Loket 2 sudah dilayani 27 menit, melewati standar waktu 25 menit."
 */
export function overtimeMessage(alert) {
  const ticket = (alert && alert.ticket) || {};
  const what = alert.kind === "service" ? "dilayani" : "menunggu";
  const where = ticket.counter && ticket.counter.name ? ` di ${ticket.counter.name}` : "";
  return (
    `Perhatian: ${ticket.number}${where} sudah ${what} ${alert.minutes} menit, ` +
    `melewati standar waktu ${alert.standard_minutes} menit.`
  );
}
