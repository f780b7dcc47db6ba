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
  var BUTTON_ASPECT = 2.4;        // the width/height a service button reads best at

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
    services: [],
    buttons: new Map(),        // service code -> its button, reused across updates
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
    reloadAgain: false,
    layoutPending: false
  };

  // ---- small helpers ---------------------------------------------------------------------------

  function setText(node, value) {
    if (node.textContent !== value) { node.textContent = value; }
  }

  function timeoutSignal() {
    return (window.AbortSignal && AbortSignal.timeout) ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined;
  }

  function priorityLabel(reason) {
    return t('priority_labels')[reason] || reason || '';
  }

  function estimateText(minutes) {
    if (minutes === null || minutes === undefined) { return t('estimate_unknown'); }
    return minutes <= 0 ? t('estimate_soon') : t('estimate_minutes', { n: minutes });
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

  function part(button, className, tag) {
    var node = document.createElement(tag || 'span');
    node.className = className;
    button.appendChild(node);
    return node;
  }

  function createButton(code) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'service';
    button.dataset.code = code;
    var badge = part(button, 'service-code');
    var body = part(button, 'service-body');
    var name = part(body, 'service-name');
    var description = part(body, 'service-desc');
    var meta = part(body, 'service-meta');
    var waiting = part(meta, 'service-waiting');
    var estimate = part(meta, 'service-estimate');
    part(estimate, 'service-estimate-label').textContent = t('estimate_label') + ' ';
    button.parts = {
      code: badge,
      name: name,
      description: description,
      waiting: waiting,
      estimate: estimate,
      estimateValue: part(estimate, 'service-estimate-value'),
      closed: part(body, 'service-closed')
    };
    state.buttons.set(code, button);
    return button;
  }

  function updateButton(button, service) {
    var parts = button.parts;
    var open = Boolean(service.open);
    var minutes = service.estimate_minutes;
    setText(parts.code, service.code);
    setText(parts.name, service.name);
    setText(parts.description, service.description || '');
    setText(parts.waiting, service.waiting ? t('waiting_some', { n: service.waiting }) : t('waiting_none'));
    // Nobody waiting already says "no wait"; an estimate of 0 would only repeat it.
    var showEstimate = open && typeof minutes === 'number' && minutes > 0;
    setText(parts.estimateValue, showEstimate ? estimateText(minutes) : '');
    setText(parts.closed, open ? '' : (service.closed_reason || t('closed_default')));
    parts.estimate.hidden = !showEstimate;
    parts.waiting.hidden = !open;
    parts.closed.hidden = open;
    button.disabled = !open;
    button.classList.toggle('is-closed', !open);
    button.setAttribute('aria-label', [
      service.code, service.name,
      open ? parts.waiting.textContent : parts.closed.textContent
    ].join(', '));
  }

  function renderServices(list) {
    state.services = list;
    if (el.loading.parentNode) { el.loading.remove(); }
    var seen = new Set();
    list.forEach(function (service, index) {
      var button = state.buttons.get(service.code) || createButton(service.code);
      updateButton(button, service);
      if (el.services.children[index] !== button) {
        el.services.insertBefore(button, el.services.children[index] || null);
      }
      seen.add(service.code);
    });
    state.buttons.forEach(function (button, code) {
      if (!seen.has(code)) { button.remove(); state.buttons.delete(code); }
    });
    if (el.services.dataset.count !== String(list.length)) {
      el.services.dataset.count = String(list.length);
      layout();
    }
  }

  function applyWaiting(waiting) {
    if (!waiting) { return; }
    state.services.forEach(function (service) {
      if (Object.prototype.hasOwnProperty.call(waiting, service.code)) {
        service.waiting = waiting[service.code];
        updateButton(state.buttons.get(service.code), service);
      }
    });
  }

  /** Fetch the services; calls that arrive meanwhile fold into one more fetch afterwards. */
  function loadServices() {
    if (state.loading) { state.reloadAgain = true; return; }
    state.loading = true;
    fetch(SERVICES_URL, { cache: 'no-store', headers: { Accept: 'application/json' }, signal: timeoutSignal() })
      .then(function (response) {
        if (!response.ok) { throw new Error('services: HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) { renderServices(data.services || []); })
      .catch(function () { /* the connection banner tells whether the server is reachable */ })
      .then(function () {
        state.loading = false;
        if (state.reloadAgain) { state.reloadAgain = false; loadServices(); }
      });
  }

  /** Pick the number of columns whose buttons come closest to a comfortable shape. */
  function layout() {
    state.layoutPending = false;
    var count = state.buttons.size;
    if (!count) { return; }
    var box = el.services.getBoundingClientRect();
    var gap = parseFloat(getComputedStyle(el.services).columnGap) || 16;
    var best = 1;
    var bestScore = -Infinity;
    for (var cols = 1; cols <= Math.min(count, 6); cols++) {
      var rows = Math.ceil(count / cols);
      if (rows * cols - count >= cols) { continue; }   // never leave a whole row empty
      var width = (box.width - gap * (cols - 1)) / cols;
      var height = (box.height - gap * (rows - 1)) / rows;
      if (width <= 0 || height <= 0) { continue; }
      var score = -Math.abs(Math.log(width / height / BUTTON_ASPECT));
      if (height < 120 || width < 260) { score -= 5; }
      if (score > bestScore) { bestScore = score; best = cols; }
    }
    el.services.dataset.cols = String(best);
  }

  function scheduleLayout() {
    if (state.layoutPending) { return; }
    state.layoutPending = true;
    window.requestAnimationFrame(layout);
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
    setText(el.ticketEstimate, estimateText(ticket.estimate_minutes));
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
    el.banner.hidden = online;
    root.classList.toggle('is-offline', !online);
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
    socket.on('queue_changed', function (data) { applyWaiting(data && data.waiting); loadServices(); });
    socket.on('ticket_printed', onPrinted);
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
  window.addEventListener('resize', scheduleLayout);

  tick();
  window.setInterval(tick, TICK_MS);
  loadServices();
  connect();
}());
