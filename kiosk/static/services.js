/* The grid of service buttons on the kiosk: one button per service, created once and then
 * updated in place, laid out in as many columns as suit the screen. */
(function () {
  'use strict';

  var text = window.LoketText;
  var t = text.t;
  var BUTTON_ASPECT = 2.4;   // the width/height a service button reads best at

  function setText(node, value) {
    if (node.textContent !== value) { node.textContent = value; }
  }

  /** The grid inside ``container``; ``loading`` is the placeholder shown until the first list. */
  window.LoketServiceGrid = function (container, loading) {
    var services = [];
    var buttons = new Map();   // service code -> its button
    var layoutPending = false;

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
      buttons.set(code, button);
      return button;
    }

    function updateButton(button, service) {
      var parts = button.parts;
      var open = Boolean(service.open);
      setText(parts.code, service.code);
      setText(parts.name, service.name);
      setText(parts.description, service.description || '');
      setText(parts.waiting, service.waiting ? t('waiting_some', { n: service.waiting }) : t('waiting_none'));
      // Nobody waiting already says "no wait"; "segera dilayani" would only repeat it. With no
      // officer at a counter yet there is no estimate to give on the button.
      var showEstimate = open && Boolean(service.waiting) && Boolean(service.estimate) &&
        Boolean(service.estimate_text);
      setText(parts.estimateValue, showEstimate ? text.estimate(service) : '');
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

    /** Draw the services in the server's order, reusing the buttons already on screen. */
    function render(list) {
      services = list;
      if (loading.parentNode) { loading.remove(); }
      var seen = new Set();
      list.forEach(function (service, index) {
        var button = buttons.get(service.code) || createButton(service.code);
        updateButton(button, service);
        if (container.children[index] !== button) {
          container.insertBefore(button, container.children[index] || null);
        }
        seen.add(service.code);
      });
      buttons.forEach(function (button, code) {
        if (!seen.has(code)) { button.remove(); buttons.delete(code); }
      });
      if (container.dataset.count !== String(list.length)) {
        container.dataset.count = String(list.length);
        layout();
      }
    }

    /** New waiting counts from a queue_changed push, before the full list arrives. */
    function applyWaiting(waiting) {
      if (!waiting) { return; }
      services.forEach(function (service) {
        if (Object.prototype.hasOwnProperty.call(waiting, service.code)) {
          service.waiting = waiting[service.code];
          updateButton(buttons.get(service.code), service);
        }
      });
    }

    /** Pick the number of columns whose buttons come closest to a comfortable shape. */
    function layout() {
      layoutPending = false;
      var count = buttons.size;
      if (!count) { return; }
      var box = container.getBoundingClientRect();
      var gap = parseFloat(getComputedStyle(container).columnGap) || 16;
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
      container.dataset.cols = String(best);
    }

    function scheduleLayout() {
      if (layoutPending) { return; }
      layoutPending = true;
      window.requestAnimationFrame(layout);
    }

    return { render: render, applyWaiting: applyWaiting, scheduleLayout: scheduleLayout };
  };
}());
