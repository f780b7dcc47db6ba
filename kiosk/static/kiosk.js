/* The kiosk: one tap on a service takes a number.
 *
 * It runs for days without a reload, so every element is created once and reused, every listener
 * is registered once, and a single interval drives the clock and all time-outs. It renders what
 * the server says and never decides queue rules itself.
 */
(function () {
  'use strict';

  var text = window.LoketText;
  var t = text.t;
  var root = document.getElementById('kiosk');
  if (!root) { return; }

  var TIMEZONE = root.dataset.timezone || 'Asia/Jakarta';
  var SERVICES_URL = root.dataset.servicesUrl;
  var TICKETS_URL = root.dataset.ticketsUrl;
  var TICKET_SECONDS = Number(root.dataset.ticketSeconds) || 8;
  var NOT_PRINTED_SECONDS = 20;   // time to photograph the number when the paper did not come out
  var LOCKOUT_MS = 1000;          // a finger still resting on the screen must not take a second number
  var DONE_GUARD_MS = 1200;       // the tap that took the ticket must not also close it
  var PRIORITY_IDLE_MS = 30000;   // a forgotten priority choice resets itself
  var MESSAGE_MS = 6000;
  var REQUEST_TIMEOUT_MS = 10000;
  var TICK_MS = 500;

  function byId(id) { return document.getElementById(id); }

  var el = {
    time: byId('kiosk-time'),
    date: byId('kiosk-date'),
    banner: byId('offline-banner'),
    services: byId('services'),
    loading: byId('services-loading'),
    message: byId('kiosk-message'),
    priorityToggle: byId('priority-toggle'),
    priorityPanel: byId('priority-panel'),
    priorityClose: byId('priority-close'),
    priorityCancel: byId('priority-cancel'),
    priorityChosen: byId('priority-chosen'),
    ticketScreen: byId('ticket-screen'),
    ticketNumber: byId('ticket-number'),
    ticketService: byId('ticket-service'),
    ticketPriority: byId('ticket-priority'),
    ticketAhead: byId('ticket-ahead'),
    ticketEstimate: byId('ticket-estimate'),
    ticketTime: byId('ticket-time'),
    ticketPrint: byId('ticket-print'),
    ticketPrintFailed: byId('ticket-print-failed'),
    previewBox: byId('ticket-preview-box'),
    preview: byId('ticket-preview'),
    done: byId('ticket-done'),
    countdown: byId('ticket-countdown')
  };

  var state = {
    busy: false,               // a ticket request is in flight
    lockedUntil: 0,
    priority: null,            // the chosen priority group, or null
    priorityUntil: 0,
    ticket: null,              // the ticket on screen
    ticketShownAt: 0,
    ticketUntil: 0,
    messageUntil: 0,
    printResults: new Map(),   // ticket id -> ok, for results that beat the HTTP answer
    minute: '',
    loading: false,
    reloadAgain: false
  };

  var grid = window.LoketServiceGrid(el.services, el.loading);

  // ---- small helpers ---------------------------------------------------------------------------

  function setText(node, value) {
    if (node.textContent !== value) { node.textContent = value; }
  }

  function timeoutSignal() {
    return (window.AbortSignal && AbortSignal.timeout) ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined;
  }

  // The groups' names as the server rendered them on the priority buttons (one source of words).
  function priorityLabel(reason) {
    var choice = document.querySelector('.priority-choice[data-reason="' + reason + '"] span');
    return choice ? choice.textContent : (reason || '');
  }

  // ---- clock: the one interval of the page -----------------------------------------------------

  var dateFormat = new Intl.DateTimeFormat('id-ID', {
    timeZone: TIMEZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'
  });
  var timeFormat = new Intl.DateTimeFormat('id-ID', {
    timeZone: TIMEZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  });
  var zone = text.zoneName(TIMEZONE);

  function clockTime(date) {
    return t('time_at', { time: timeFormat.format(date), zone: zone }).trim();
  }

  function tick() {
    var now = Date.now();
    var date = new Date(now);
    setText(el.time, clockTime(date));
    setText(el.date, dateFormat.format(date));
    var minute = el.time.textContent;
    if (minute !== state.minute) {
      // Opening hours start and end without any event from the server: ask again each minute.
      if (state.minute) { loadServices(); }
      state.minute = minute;
    }
    if (state.ticket) {
      var remaining = Math.ceil((state.ticketUntil - now) / 1000);
      if (remaining <= 0) { closeTicket(); } else { setText(el.countdown, t('countdown', { n: remaining })); }
    }
    if ((state.priority || !el.priorityPanel.hidden) && now > state.priorityUntil) { resetPriority(); }
    if (!el.message.hidden && now > state.messageUntil) { el.message.hidden = true; }
  }

  // ---- services --------------------------------------------------------------------------------

  /** Fetch the services; calls that arrive meanwhile fold into one more fetch afterwards. */
  function loadServices() {
    if (state.loading) { state.reloadAgain = true; return; }
    state.loading = true;
    fetch(SERVICES_URL, { cache: 'no-store', headers: { Accept: 'application/json' }, signal: timeoutSignal() })
      .then(function (response) {
        if (!response.ok) { throw new Error('services: HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) { grid.render(data.services || []); })
      .catch(function () { /* the connection banner tells whether the server is reachable */ })
      .then(function () {
        state.loading = false;
        if (state.reloadAgain) { state.reloadAgain = false; loadServices(); }
      });
  }

  // ---- taking a number -------------------------------------------------------------------------

  function showMessage(message) {
    el.message.textContent = message;
    el.message.hidden = false;
    state.messageUntil = Date.now() + MESSAGE_MS;
  }

  function takeTicket(button) {
    var now = Date.now();
    if (state.busy || state.ticket || now < state.lockedUntil) { return; }
    state.busy = true;
    root.classList.add('is-busy');
    button.classList.add('is-pressed');
    el.message.hidden = true;
    var body = { service: button.dataset.code, priority: Boolean(state.priority) };
    if (state.priority) { body.priority_reason = state.priority; }
    fetch(TICKETS_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
      signal: timeoutSignal()
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 201 && data.ticket) {
            showTicket(data.ticket);
          } else {
            showMessage((data.error && data.error.message) || t('issue_failed'));
            loadServices();
          }
        });
      })
      .catch(function () { showMessage(t('issue_failed')); })
      .then(function () {
        state.busy = false;
        state.lockedUntil = Date.now() + LOCKOUT_MS;
        root.classList.remove('is-busy');
        button.classList.remove('is-pressed');
      });
  }

  function showPrinted(ok) {
    el.ticketPrintFailed.hidden = ok;
    el.ticketPrint.hidden = !ok;
    if (!ok) {
      state.ticketUntil = Math.max(state.ticketUntil, Date.now() + NOT_PRINTED_SECONDS * 1000);
    } else {
      setText(el.ticketPrint, t('printed'));
    }
  }

  function showTicket(ticket) {
    var now = Date.now();
    state.ticket = ticket;
    state.ticketShownAt = now;
    state.ticketUntil = now + TICKET_SECONDS * 1000;
    setText(el.ticketNumber, ticket.number);
    setText(el.ticketService, ticket.service_name || ticket.service);
    el.ticketPriority.hidden = !ticket.priority;
    setText(el.ticketPriority, ticket.priority
      ? t('priority_with', { label: ticket.priority_label || priorityLabel(ticket.priority_reason) }) : '');
    setText(el.ticketAhead, ticket.ahead ? t('people', { n: ticket.ahead }) : t('people_none'));
    setText(el.ticketEstimate, text.estimate(ticket));
    var issued = ticket.issued_at ? new Date(ticket.issued_at) : new Date(now);
    setText(el.ticketTime, clockTime(isNaN(issued.getTime()) ? new Date(now) : issued));

    var print = ticket.print || {};
    setText(el.ticketPrint, print.queued ? t('printing') : t('no_printer'));
    el.ticketPrint.hidden = false;
    el.ticketPrintFailed.hidden = true;
    if (print.ok === false) {
      showPrinted(false);
    } else if (state.printResults.has(ticket.id)) {
      showPrinted(state.printResults.get(ticket.id));
    }

    el.previewBox.hidden = !ticket.preview_url;
    if (ticket.preview_url) { el.preview.src = ticket.preview_url; }
    setText(el.countdown, t('countdown', { n: Math.ceil((state.ticketUntil - now) / 1000) }));
    resetPriority();
    el.ticketScreen.hidden = false;
    root.classList.add('is-ticket');
  }

  function closeTicket() {
    state.ticket = null;
    state.lockedUntil = Date.now() + LOCKOUT_MS;
    el.ticketScreen.hidden = true;
    root.classList.remove('is-ticket');
    el.preview.removeAttribute('src');
  }

  function onPrinted(result) {
    if (!result || result.ticket_id === undefined) { return; }
    state.printResults.set(result.ticket_id, result.ok !== false);
    if (state.printResults.size > 20) {
      state.printResults.delete(state.printResults.keys().next().value);
    }
    if (state.ticket && state.ticket.id === result.ticket_id) { showPrinted(result.ok !== false); }
  }

  // ---- priority --------------------------------------------------------------------------------

  function openPriorityPanel() {
    if (state.ticket) { return; }
    state.priorityUntil = Date.now() + PRIORITY_IDLE_MS;
    el.priorityPanel.hidden = false;
  }

  function choosePriority(reason) {
    state.priority = reason;
    state.priorityUntil = Date.now() + PRIORITY_IDLE_MS;
    setText(el.priorityChosen, priorityLabel(reason));
    el.priorityPanel.hidden = true;
    root.classList.add('is-priority');
  }

  function resetPriority() {
    state.priority = null;
    el.priorityPanel.hidden = true;
    root.classList.remove('is-priority');
  }

  // ---- connection ------------------------------------------------------------------------------

  function setOnline(online) {
    if (el.banner.hidden !== online) {
      el.banner.hidden = online;
      root.classList.toggle('is-offline', !online);
      grid.scheduleLayout();   // the banner takes height from the buttons
    }
  }

  /** Fetch the office logo again; it shows when there is one and hides when there is none. */
  function reloadLogo() {
    var logo = document.getElementById('kiosk-logo');
    if (!logo) { return; }
    logo.onload = function () { logo.hidden = false; };
    logo.onerror = function () { logo.hidden = true; };
    logo.src = logo.dataset.src + '?v=' + Date.now();
  }

  function connect() {
    if (typeof window.io !== 'function') { setOnline(false); return; }
    var socket = window.io({ reconnectionDelay: 500, reconnectionDelayMax: 3000, timeout: 5000 });
    socket.on('connect', function () { setOnline(true); loadServices(); });
    socket.on('disconnect', function (reason) {
      setOnline(false);
      // The server closed this socket on purpose (e.g. while restarting): come back anyway.
      if (reason === 'io server disconnect') { socket.connect(); }
    });
    socket.on('connect_error', function () { setOnline(false); });
    socket.on('queue_changed', function (data) { grid.applyWaiting(data && data.waiting); loadServices(); });
    socket.on('ticket_printed', onPrinted);
    // The admin changed the office (e.g. uploaded a logo): show it without a reload.
    socket.on('config_changed', function () { reloadLogo(); loadServices(); });
  }

  // ---- wiring (once) ---------------------------------------------------------------------------

  el.services.addEventListener('click', function (event) {
    var button = event.target.closest('.service');
    if (button && !button.disabled) { takeTicket(button); }
  });
  el.done.addEventListener('click', function () {
    if (Date.now() - state.ticketShownAt >= DONE_GUARD_MS) { closeTicket(); }
  });
  el.ticketScreen.addEventListener('click', function (event) {
    // Any tap on the ticket keeps it up a little longer for someone still reading.
    if (state.ticket && !el.done.contains(event.target)) {
      state.ticketUntil = Math.max(state.ticketUntil, Date.now() + 4000);
    }
  });
  el.preview.addEventListener('error', function () {
    if (el.preview.getAttribute('src')) { el.previewBox.hidden = true; }
  });
  el.priorityToggle.addEventListener('click', openPriorityPanel);
  el.priorityClose.addEventListener('click', resetPriority);
  el.priorityCancel.addEventListener('click', resetPriority);
  el.priorityPanel.addEventListener('click', function (event) {
    var choice = event.target.closest('.priority-choice');
    if (choice) { choosePriority(choice.dataset.reason); } else if (event.target === el.priorityPanel) { resetPriority(); }
  });
  document.addEventListener('contextmenu', function (event) { event.preventDefault(); });
  window.addEventListener('resize', grid.scheduleLayout);

  tick();
  window.setInterval(tick, TICK_MS);
  loadServices();
  connect();
}());
