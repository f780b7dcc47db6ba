/* The kiosk's ticket screen: the number just taken, whether it printed, and its countdown.
 *
 * Print results may beat the HTTP answer (they come over the socket), so the last few are kept
 * by ticket id. The kiosk's one interval calls tick(); nothing here keeps a timer of its own.
 * Its times are durations on the monotonic performance.now() (see kiosk.js).
 */
import { now as serverNow } from "../common/lib/clock.js";
import { setText } from "../common/lib/dom.js";
import { estimate, t } from "./text.js";

const NOT_PRINTED_SECONDS = 20; // time to photograph the number when the paper did not come out
const KEPT_PRINT_RESULTS = 20;

/**
 * @param {HTMLElement} root the kiosk (gets the `is-ticket` class while a ticket is shown)
 * @param {object} el the ticket screen's elements (see kiosk.js)
 * @param {object} options `seconds` on screen, `clockTime(date)`, `groupName(reason)`, `onClose()`
 */
export function ticketScreen(root, el, { seconds, clockTime, groupName, onClose }) {
  const state = { ticket: null, shownAt: 0, until: 0, printResults: new Map() };

  function showPrinted(ok) {
    el.ticketPrintFailed.hidden = ok;
    el.ticketPrint.hidden = !ok;
    if (!ok) {
      state.until = Math.max(state.until, performance.now() + NOT_PRINTED_SECONDS * 1000);
    } else {
      setText(el.ticketPrint, t("printed"));
    }
  }

  function show(ticket) {
    const now = performance.now();
    const today = new Date(serverNow());
    state.ticket = ticket;
    state.shownAt = now;
    state.until = now + seconds * 1000;
    setText(el.ticketNumber, ticket.number);
    setText(el.ticketService, ticket.service_name || ticket.service);
    el.ticketPriority.hidden = !ticket.priority;
    setText(
      el.ticketPriority,
      ticket.priority ? t("priority_with", { label: ticket.priority_label || groupName(ticket.priority_reason) }) : "",
    );
    setText(el.ticketAhead, ticket.ahead ? t("people", { n: ticket.ahead }) : t("people_none"));
    setText(el.ticketEstimate, estimate(ticket));
    const issued = ticket.issued_at ? new Date(ticket.issued_at) : today;
    setText(el.ticketTime, clockTime(isNaN(issued.getTime()) ? today : issued));

    const print = ticket.print || {};
    setText(el.ticketPrint, print.queued ? t("printing") : t("no_printer"));
    el.ticketPrint.hidden = false;
    el.ticketPrintFailed.hidden = true;
    if (print.ok === false) {
      showPrinted(false);
    } else if (state.printResults.has(ticket.id)) {
      showPrinted(state.printResults.get(ticket.id));
    }

    el.previewBox.hidden = !ticket.preview_url;
    if (ticket.preview_url) el.preview.src = ticket.preview_url;
    setText(el.countdown, t("countdown", { n: Math.ceil((state.until - now) / 1000) }));
    el.ticketScreen.hidden = false;
    root.classList.add("is-ticket");
  }

  function close() {
    state.ticket = null;
    el.ticketScreen.hidden = true;
    root.classList.remove("is-ticket");
    el.preview.removeAttribute("src");
    onClose();
  }

  /** A print result from the socket: shown now if it is the ticket on screen, else kept. */
  function printed(result) {
    if (!result || result.ticket_id === undefined) return;
    state.printResults.set(result.ticket_id, result.ok !== false);
    if (state.printResults.size > KEPT_PRINT_RESULTS) state.printResults.delete(state.printResults.keys().next().value);
    if (state.ticket && state.ticket.id === result.ticket_id) showPrinted(result.ok !== false);
  }

  /** The kiosk's interval: count down, and close when the time is up. */
  function tick(now) {
    if (!state.ticket) return;
    const remaining = Math.ceil((state.until - now) / 1000);
    if (remaining <= 0) {
      close();
    } else {
      setText(el.countdown, t("countdown", { n: remaining }));
    }
  }

  /** Keep the ticket up at least `ms` longer (someone is still reading it). */
  function extend(ms) {
    if (state.ticket) state.until = Math.max(state.until, performance.now() + ms);
  }

  return {
    show,
    close,
    printed,
    tick,
    extend,
    get showing() {
      return state.ticket !== null;
    },
    get shownAt() {
      return state.shownAt;
    },
  };
}
