// Spool's dashboard, progressively enhanced: the pages work without JavaScript; with it they stay live.
//  - Elements with data-live="URL" are fetched again (as an htmx request, which the server answers with only that
//    fragment) when /api/events reports a task change, and every data-live-every milliseconds if set. Keyboard focus,
//    a text field's caret, and which <details id> are open, stay as they were.
//  - The header says whether the page is live, reconnecting, or cannot reach Spool (then it retries with backoff and
//    a banner says the page may be out of date); live updates can be paused.
//  - Elements with data-live-conversation="task_001" are fetched again, too, when that task's conversation with its
//    tools takes a step (the stream's conversation events).
//  - Elements with data-stream="URL" show a model's answer as it is written, from that URL's server-sent events.
//  - Elements .timer[data-elapsed] count up from the milliseconds they were rendered with; <time datetime> elements
//    show the viewer's local time.
//  - A form with data-kinds shows only the fieldsets whose data-for lists the checked kind, and disables the others so
//    that what they hold is not sent.
(() => {
  'use strict';

  const MAX_RETRY_MS = 8000;

  // (The html element's own data-live says whether the event stream is connected; it is not a region.)
  const liveRegions = () => document.querySelectorAll('body [data-live]');
  let pending = null;
  let changed = new Set();
  let talked = new Set();
  let stale = new Set();
  let source = null;
  let failures = 0;
  let retryAt = 0;
  let retryTimer = null;
  let paused = sessionStorage.getItem('spool.paused') === 'yes';

  // --- durations and times

  function age(millis) {
    const seconds = Math.max(0, Math.floor(millis / 1000));
    if (seconds < 90) {
      return `${seconds} s`;
    }
    if (seconds < 90 * 60) {
      return `${Math.floor(seconds / 60)} min`;
    }
    if (seconds < 36 * 3600) {
      return `${Math.floor(seconds / 3600)} h`;
    }
    return `${Math.floor(seconds / 86400)} d`;
  }

  function followTimes(root) {
    const now = performance.now();
    root.querySelectorAll('.timer[data-elapsed]').forEach((timer) => {
      timer.spoolBase = now - Number(timer.dataset.elapsed);
    });
    root.querySelectorAll('time[datetime]:not([data-local])').forEach((time) => {
      const date = new Date(time.getAttribute('datetime'));
      if (Number.isNaN(date.getTime())) {
        return;
      }
      time.dataset.local = 'yes';
      time.title = time.textContent.trim();
      const two = (number) => String(number).padStart(2, '0');
      const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(date)
        .find((part) => part.type === 'timeZoneName');
      time.textContent = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`
        + ` ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}${zone ? ` ${zone.value}` : ''}`;
    });
  }

  function tick() {
    const now = performance.now();
    document.querySelectorAll('.timer[data-elapsed]').forEach((timer) => {
      if (timer.spoolBase !== undefined) {
        timer.textContent = age(now - timer.spoolBase);
      }
    });
    if (retryTimer) {
      const retryIn = document.getElementById('retry-in');
      if (retryIn) {
        retryIn.textContent = `in ${Math.max(0, Math.ceil((retryAt - Date.now()) / 1000))} s`;
      }
    }
  }

  // --- keeping keyboard focus across a refresh

  function focusIn(region) {
    const element = document.activeElement;
    if (!element || element === document.body || !region.contains(element)) {
      return null;
    }
    const field = typeof element.selectionStart === 'number';
    return {
      id: element.id,
      tag: element.tagName,
      href: element.getAttribute('href'),
      name: element.getAttribute('name'),
      text: element.textContent.trim(),
      action: element.form ? element.form.getAttribute('action') : null,
      selection: field ? [element.selectionStart, element.selectionEnd, element.selectionDirection] : null,
      value: element.type === 'checkbox' ? element.value : null,
    };
  }

  function sameElement(candidate, focus) {
    if (focus.value !== null && candidate.value !== focus.value) {
      return false;
    }
    if (focus.href !== null) {
      return candidate.getAttribute('href') === focus.href && candidate.textContent.trim() === focus.text;
    }
    if (focus.action !== null) {
      return candidate.form && candidate.form.getAttribute('action') === focus.action
        && candidate.getAttribute('name') === focus.name && candidate.textContent.trim() === focus.text;
    }
    return focus.name !== null && candidate.getAttribute('name') === focus.name;
  }

  function restoreFocus(fresh, focus) {
    if (!focus) {
      return;
    }
    let element = focus.id ? document.getElementById(focus.id) : null;
    if (!element || !fresh.contains(element)) {
      element = [...fresh.querySelectorAll(focus.tag)].find((candidate) => sameElement(candidate, focus));
    }
    if (!element) {
      return;
    }
    element.focus({ preventScroll: true });
    if (focus.selection && typeof element.setSelectionRange === 'function') {
      element.setSelectionRange(...focus.selection);
    }
  }

  // --- live regions

  function followAnswers(root) {
    root.querySelectorAll('[data-stream]:not([data-streaming])').forEach((element) => {
      element.dataset.streaming = 'yes';
      const stream = new EventSource(element.dataset.stream);
      stream.addEventListener('text', (event) => {
        element.textContent += JSON.parse(event.data).text;
      });
      stream.addEventListener('end', () => stream.close());
      stream.addEventListener('error', () => stream.close());
    });
  }

  // The board's selection, kept by task id across live refreshes: a ticked task that a refresh moves to another page
  // stays chosen (the bulk form sends it in a hidden field) and the bar says so; the select-all box (shown only with
  // a script, since only a script can tick the others) is ticked when every box on the page is, and mixed when some are.
  const selected = new Set();

  const pageBoxes = () => [...document.querySelectorAll('#board input[type=checkbox][name=ids]')];

  function followSelection(root) {
    const all = root.querySelector('#select-all');
    if (!all) {
      return;
    }
    all.hidden = false;
    pageBoxes().forEach((box) => {
      // The first load takes what the browser restored; a refresh shows what was chosen before it.
      if (root === document && box.checked) {
        selected.add(box.value);
      }
      box.checked = selected.has(box.value);
    });
    showSelection();
  }

  function showSelection() {
    const all = document.getElementById('select-all');
    const form = document.getElementById('bulk');
    if (!all || !form) {
      return;
    }
    const boxes = pageBoxes();
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
    form.querySelectorAll('input[data-elsewhere]').forEach((input) => input.remove());
    const here = new Set(boxes.map((box) => box.value));
    const elsewhere = [...selected].filter((id) => !here.has(id));
    elsewhere.forEach((id) => {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'ids';
      input.value = id;
      input.dataset.elsewhere = 'yes';
      form.append(input);
    });
    const status = document.getElementById('selection');
    const clear = document.getElementById('clear-selection');
    if (status) {
      status.hidden = selected.size === 0;
      status.textContent = selected.size === 0 ? ''
        : `${selected.size} selected${elsewhere.length ? `, ${elsewhere.length} not on this page` : ''}`;
    }
    if (clear) {
      clear.hidden = selected.size === 0;
    }
  }

  function followSelectionChanges() {
    document.addEventListener('change', (event) => {
      const box = event.target;
      if (box.id === 'select-all') {
        pageBoxes().forEach((each) => {
          each.checked = box.checked;
          if (box.checked) {
            selected.add(each.value);
          } else {
            selected.delete(each.value);
          }
        });
      } else if (box.name === 'ids' && box.type === 'checkbox' && box.closest('#board')) {
        if (box.checked) {
          selected.add(box.value);
        } else {
          selected.delete(box.value);
        }
      } else {
        return;
      }
      showSelection();
    });
    document.addEventListener('click', (event) => {
      if (event.target.id === 'clear-selection') {
        selected.clear();
        pageBoxes().forEach((box) => { box.checked = false; });
        showSelection();
      }
    });
  }

  // The activity chart, drawn with uPlot from the JSON beside it: bars for tasks finished and attempts failed per
  // minute, a line for mean latency on its own axis; the legend shows a minute's values under the pointer.
  function followCharts(root) {
    if (typeof window.uPlot !== 'function') {
      return;
    }
    root.querySelectorAll('[data-chart]').forEach((box) => {
      const source = document.getElementById(box.dataset.chart);
      if (!source || box.dataset.drawn) {
        return;
      }
      box.dataset.drawn = 'yes';
      const data = JSON.parse(source.textContent);
      const ink = getComputedStyle(document.body).color;
      const grid = { stroke: 'rgba(128, 128, 128, 0.25)', width: 1 };
      const bars = (align) => window.uPlot.paths.bars({ size: [0.4, 40], align });
      const count = (u, value) => (value == null ? '–' : String(value));
      // The whole row's width (it used to stop at 640 px, leaving half the row empty), again when the window resizes.
      const width = () => Math.max(240, box.clientWidth || 320);
      // Latency ticks carry their own unit, as the caption says it ('450 ms', '1.5 s', '2 min'): a separate 'ms'
      // label sat over the ticks.
      const latency = (value) => {
        if (value < 1000) {
          return `${Math.round(value)} ms`;
        }
        return value < 60000 ? `${Number((value / 1000).toFixed(1))} s` : `${Math.round(value / 60000)} min`;
      };
      const plot = new window.uPlot({
        width: width(),
        height: 190,
        legend: { live: true },
        scales: { x: { time: true }, n: { range: (u, min, max) => [0, Math.max(1, max)] },
          ms: { range: (u, min, max) => [0, Math.max(1, max || 1)] } },
        axes: [
          // Two rows, the time and under it the date: room for both, or the date is cut off.
          { stroke: ink, grid, size: 54 },
          { scale: 'n', label: 'per min', stroke: ink, grid, size: 44 },
          { scale: 'ms', label: 'latency', side: 1, stroke: ink, grid: { show: false }, size: 64,
            values: (u, splits) => splits.map(latency) },
        ],
        series: [
          { label: 'Minute' },
          { label: 'Finished', scale: 'n', stroke: '#2e7d32', fill: 'rgba(46, 125, 50, 0.45)', paths: bars(-1),
            value: count },
          { label: 'Failed', scale: 'n', stroke: '#c62828', fill: 'rgba(198, 40, 40, 0.45)', paths: bars(1),
            value: count },
          { label: 'Latency', scale: 'ms', stroke: '#1565c0', width: 2, spanGaps: true,
            value: (u, value) => (value == null ? '–' : latency(value)) },
        ],
      }, [data.minutes, data.finished, data.failed, data.latencyMs], box);
      box.spoolPlot = { plot, width };
    });
  }

  function enhance(root) {
    followCharts(root);
    followSelection(root);
    followAnswers(root);
    followTimes(root);
    followCopies(root);
  }

  // The tab's title leads with the board's counts, so a background tab tells how the work goes.
  function titleFromBoard(board) {
    const count = (state) => {
      // The whole workspace's count, which a search does not narrow (the chip shows what the search found).
      const element = board.querySelector(`[data-count="${state}"]`);
      return element ? element.getAttribute('data-total') : '0';
    };
    const review = Number(count('review'));
    document.title = (review > 0 ? `${review} to review · ` : '')
      + `${count('inprogress')} running · ${count('pending')} pending · ${count('failed')} failed`
      + ' · Tasks · Spool';
  }

  // One fetch per region at a time: a second one asked for meanwhile runs once the first is in, on the region it
  // left. (Two at once used to race: the first to arrive replaced the region, and the second, perhaps the only one
  // with the latest change, found its region gone and was dropped, or an older answer overwrote a newer one.)
  const fetching = new Map();

  // And once changes have kept a region busy for two seconds, at most one fetch a second: a busy workspace changes
  // many times a second, and each fetch costs Spool a render and the browser a layout of the whole region, while a
  // person reads far slower. A shorter burst (a task claimed, answered and done) shows each step as it comes; a
  // region whose fetches pause for two seconds starts afresh.
  const REFRESH_EVERY_MS = 1000;
  const BUSY_AFTER_MS = 2000;
  const runs = new Map();
  const waiting = new Map();

  function refresh(region) {
    const key = region.id || region;
    if (fetching.has(key)) {
      fetching.set(key, 'again');
      return;
    }
    if (waiting.has(key)) {
      return;
    }
    if (region.id) {
      const now = performance.now();
      let run = runs.get(key);
      if (!run || now - run.last > BUSY_AFTER_MS) {
        run = { since: now, last: now };
        runs.set(key, run);
      }
      const wait = now - run.since > BUSY_AFTER_MS ? run.last + REFRESH_EVERY_MS - now : 0;
      if (wait > 0) {
        waiting.set(key, setTimeout(() => {
          waiting.delete(key);
          refreshById(key);
        }, wait));
        return;
      }
      run.last = now;
    }
    fetching.set(key, 'fetching');
    fetchRegion(region).finally(() => {
      const again = fetching.get(key) === 'again';
      fetching.delete(key);
      if (again) {
        refreshById(region.id);
      }
    });
  }

  // Refreshes the region that has this id now (a refresh replaces the element), unless live updates are paused.
  function refreshById(id) {
    const current = id ? document.getElementById(id) : null;
    if (!paused && current) {
      refresh(current);
    }
  }

  async function fetchRegion(region) {
    const url = region.getAttribute('data-live');
    try {
      const response = await fetch(url, { headers: { 'HX-Request': 'true' } });
      if (!response.ok || !region.isConnected || paused) {
        return;
      }
      const template = document.createElement('template');
      template.innerHTML = (await response.text()).trim();
      const fresh = template.content.firstElementChild;
      if (fresh) {
        const focus = focusIn(region);
        const opened = [...region.querySelectorAll('details[id][open]')].map((details) => details.id);
        const ticked = new Set([...region.querySelectorAll('input[type=checkbox]:checked')]
          .map((box) => box.id || box.value));
        region.replaceWith(fresh);
        fresh.querySelectorAll('input[type=checkbox]').forEach((box) => {
          box.checked = ticked.has(box.id || box.value);
        });
        opened.forEach((id) => {
          const details = document.getElementById(id);
          if (details) {
            details.open = true;
          }
        });
        restoreFocus(fresh, focus);
        enhance(fresh);
        if (fresh.id === 'board' && titleWhenUp === null) {
          titleFromBoard(fresh);
        }
      }
    } catch (error) {
      // The service may be restarting; the event stream notices, and refreshes everything once it is back.
    }
  }

  // Gathers the tasks that changed within 150 ms, then refreshes each region once: a region tied to one task
  // (data-live-task) only when that task changed, the others on any change; a task's conversation
  // (data-live-conversation) when it took a step; and the regions found behind the stream's version.
  function refreshSoon(taskId, conversationOf) {
    if (taskId) {
      changed.add(taskId);
    }
    if (conversationOf) {
      talked.add(conversationOf);
    }
    if (pending) {
      return;
    }
    pending = setTimeout(() => {
      const ids = changed;
      const conversations = talked;
      const behind = stale;
      pending = null;
      changed = new Set();
      talked = new Set();
      stale = new Set();
      if (paused) {
        return;
      }
      liveRegions().forEach((region) => {
        const only = region.getAttribute('data-live-task');
        if ((!only && ids.size) || ids.has(only) || behind.has(region.id)
          || conversations.has(region.getAttribute('data-live-conversation'))) {
          refresh(region);
        }
      });
    }, 150);
  }

  // --- the connection, its indicator, and pausing

  function show(state, words) {
    document.documentElement.dataset.live = state;
    const status = document.getElementById('live-status');
    if (status) {
      status.textContent = words;
      status.dataset.state = state;
    }
    const down = state === 'reconnecting' && failures > 1;
    document.documentElement.dataset.server = down ? 'down' : 'up';
    titleWhileDown(down);
    const banner = document.getElementById('server-down');
    if (banner) {
      banner.hidden = !down;
    }
    liveRegions().forEach((region) => region.classList.toggle('stale', state !== 'connected'));
    const toggle = document.getElementById('live-toggle');
    if (toggle) {
      toggle.textContent = paused ? 'Resume live updates' : 'Pause live updates';
      toggle.setAttribute('aria-pressed', paused ? 'true' : 'false');
    }
  }

  // While Spool is not answering, the tab says so instead of counts that may no longer hold.
  let titleWhenUp = null;

  function titleWhileDown(down) {
    if (down && titleWhenUp === null) {
      titleWhenUp = document.title;
      // Every count goes ("2 to review", "3 running", ...): only the page's name stays.
      document.title = ['Not answering', ...document.title.split(' · ').filter((part) => !/^\d/.test(part))]
        .join(' · ');
    } else if (!down && titleWhenUp !== null) {
      document.title = titleWhenUp;
      titleWhenUp = null;
      const board = document.getElementById('board');
      if (board) {
        titleFromBoard(board);
      }
    }
  }

  function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (paused || source) {
      return;
    }
    const events = new EventSource('/api/events');
    source = events;
    events.addEventListener('open', () => {
      failures = 0;
      show('connected', 'Live');
      followModel();
    });
    // The stream's first event says how many changes Spool has sent: a region rendered at that version (its
    // data-version) missed nothing and is not fetched again; any other changed before the stream opened, or while
    // it was away, and is fetched now.
    events.addEventListener('version', (event) => {
      const { version } = JSON.parse(event.data);
      liveRegions().forEach((region) => {
        if (region.getAttribute('data-version') !== version) {
          stale.add(region.id);
        }
      });
      refreshSoon();
    });
    events.addEventListener('error', () => {
      // Spool restarts, or is gone: retry with backoff rather than the browser's fixed pace, and say so.
      events.close();
      if (source !== events) {
        return;
      }
      source = null;
      failures += 1;
      const delay = Math.min(1000 * 2 ** (failures - 1), MAX_RETRY_MS);
      retryAt = Date.now() + delay;
      retryTimer = setTimeout(open, delay);
      show('reconnecting', failures > 1 ? 'Spool is not answering' : 'Reconnecting…');
    });
    events.addEventListener('task', (event) => {
      // A subtask's change is news on its parent's page too, which lists it with its state.
      const task = JSON.parse(event.data);
      if (task.parent) {
        changed.add(task.parent);
      }
      refreshSoon(task.id);
    });
    events.addEventListener('quiet', (event) => refreshSoon(JSON.parse(event.data).id));
    events.addEventListener('conversation', (event) => refreshSoon(null, JSON.parse(event.data).id));
  }

  // The offline-model banner says what the Spool answering now runs: a page open across a restart from the offline
  // model to a real one, or the reverse (the dangerous way: answers that read like work but are not), asks again on
  // every connection rather than trusting what it was rendered with.
  async function followModel() {
    const banner = document.getElementById('offline-model');
    if (!banner) {
      return;
    }
    try {
      const response = await fetch('/api/model', { cache: 'no-store' });
      if (response.ok) {
        banner.hidden = !(await response.json()).offline;
      }
    } catch (error) {
      // Spool went away again; the next connection asks.
    }
  }

  function pause(yes) {
    paused = yes;
    sessionStorage.setItem('spool.paused', yes ? 'yes' : 'no');
    if (yes) {
      clearTimeout(retryTimer);
      retryTimer = null;
      if (source) {
        source.close();
        source = null;
      }
      show('paused', 'Paused');
    } else {
      failures = 0;
      show('reconnecting', 'Connecting…');
      open();
    }
  }

  function connect() {
    enhance(document);
    if (!liveRegions().length) {
      return;
    }
    document.querySelectorAll('.live-status').forEach((item) => { item.hidden = false; });
    const toggle = document.getElementById('live-toggle');
    if (toggle) {
      toggle.addEventListener('click', () => pause(!paused));
    }
    const retryNow = document.getElementById('retry-now');
    if (retryNow) {
      retryNow.addEventListener('click', open);
    }
    window.addEventListener('online', open);
    if (paused) {
      show('paused', 'Paused');
    } else {
      open();
    }
    liveRegions().forEach((region) => {
      const every = Number(region.getAttribute('data-live-every'));
      if (every > 0) {
        setInterval(() => liveRegions().forEach((current) => {
          if (current.id === region.id && source && source.readyState === EventSource.OPEN) {
            refresh(current);
          }
        }), every);
      }
    });
  }

  // --- the answer's tools, the notice, the form

  function followCopies(root) {
    root.querySelectorAll('[data-copy]').forEach((button) => {
      button.hidden = false;
      button.addEventListener('click', async () => {
        const text = document.getElementById(button.dataset.copy).textContent;
        const status = document.getElementById('copy-status');
        try {
          await navigator.clipboard.writeText(text);
          status.textContent = 'Copied.';
        } catch (error) {
          status.textContent = 'Could not copy: open Markdown source and copy it from there.';
        }
      });
    });
  }

  function followDismiss() {
    document.querySelectorAll('[data-dismiss]').forEach((link) => {
      link.addEventListener('click', (event) => {
        event.preventDefault();
        const notice = document.getElementById(link.dataset.dismiss);
        if (notice) {
          notice.remove();
        }
        const address = new URL(window.location.href);
        address.searchParams.delete('created');
        history.replaceState(null, '', address);
        const heading = document.querySelector('main h1');
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus();
        }
      });
    });
  }

  function followKinds(form) {
    const apply = () => {
      const checked = form.querySelector('input[name="kind"]:checked');
      const kind = checked ? checked.value : 'task';
      form.querySelectorAll('fieldset[data-for]').forEach((group) => {
        const shown = group.dataset.for.split(' ').includes(kind);
        group.hidden = !shown;
        group.disabled = !shown;
      });
      form.querySelectorAll('[data-kind-label]').forEach((button) => { button.textContent = `Submit ${kind}`; });
    };
    form.addEventListener('change', apply);
    apply();
    keepWhenDown(form);
  }

  // A form sent while Spool is down would leave the page for the browser's error page, and what was typed with it:
  // Spool is asked first, and when it does not answer the form stays, saying so.
  function keepWhenDown(form) {
    window.addEventListener('pageshow', () => { delete form.dataset.sending; });
    form.addEventListener('submit', async (event) => {
      if (form.dataset.sending === 'yes') {
        return;
      }
      event.preventDefault();
      const submitter = event.submitter;
      let up = false;
      try {
        up = (await fetch('/api/model', { cache: 'no-store' })).ok;
      } catch (error) {
        up = false;
      }
      let notice = document.getElementById('form-down');
      if (up) {
        if (notice) {
          notice.remove();
        }
        form.dataset.sending = 'yes';
        form.requestSubmit(submitter);
        return;
      }
      if (!notice) {
        notice = document.createElement('p');
        notice.id = 'form-down';
        notice.className = 'error';
        notice.setAttribute('role', 'alert');
        notice.tabIndex = -1;
        form.before(notice);
      }
      notice.textContent = 'Spool is not answering, so nothing was sent; what you wrote is still here. '
        + 'Send it again once Spool is back.';
      notice.focus();
    });
  }

  // A refused form comes back with its error beside it: bring both into view, and the error to a screen reader.
  function showFormError() {
    const error = document.getElementById('form-error');
    if (error) {
      error.scrollIntoView({ block: 'center' });
      error.focus({ preventScroll: true });
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('form[data-kinds]').forEach(followKinds);
    followSelectionChanges();
    window.addEventListener('resize', () => document.querySelectorAll('[data-chart]').forEach((box) => {
      if (box.spoolPlot) {
        box.spoolPlot.plot.setSize({ width: box.spoolPlot.width(), height: 190 });
      }
    }));
    followDismiss();
    showFormError();
    connect();
    setInterval(tick, 1000);
  });
})();
