// Spool's dashboard, progressively enhanced: the pages work without JavaScript; with it they stay live.
//  - Elements with data-live="URL" are fetched again (as an htmx request, which the server answers with only that
//    fragment) when /api/events reports a task change, and every data-live-every milliseconds if set.
//  - Elements with data-stream="URL" show a model's answer as it is written, from that URL's server-sent events.
//  - A form with data-kinds shows only the fieldsets whose data-for lists the checked kind, and disables the others so
//    that what they hold is not sent.
(() => {
  'use strict';

  // (The html element's own data-live says whether the event stream is connected; it is not a region.)
  const liveRegions = () => document.querySelectorAll('body [data-live]');
  let pending = null;
  let changed = new Set();
  let everything = false;

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

  async function refresh(region) {
    const url = region.getAttribute('data-live');
    try {
      const response = await fetch(url, { headers: { 'HX-Request': 'true' } });
      if (!response.ok || !region.isConnected) {
        return;
      }
      const template = document.createElement('template');
      template.innerHTML = (await response.text()).trim();
      const fresh = template.content.firstElementChild;
      if (fresh) {
        region.replaceWith(fresh);
        followAnswers(fresh);
      }
    } catch (error) {
      // The service may be restarting; the next event or tick tries again.
    }
  }

  // Gathers the tasks that changed within 150 ms, then refreshes each region once: a region tied to one task
  // (data-live-task) only when that task changed, the others always.
  function refreshSoon(taskId) {
    if (taskId) {
      changed.add(taskId);
    } else {
      everything = true;
    }
    if (pending) {
      return;
    }
    pending = setTimeout(() => {
      const ids = changed;
      const all = everything;
      pending = null;
      changed = new Set();
      everything = false;
      liveRegions().forEach((region) => {
        const only = region.getAttribute('data-live-task');
        if (all || !only || ids.has(only)) {
          refresh(region);
        }
      });
    }, 150);
  }

  function connect() {
    followAnswers(document);
    if (!liveRegions().length) {
      return;
    }
    const events = new EventSource('/api/events');
    events.addEventListener('open', () => {
      document.documentElement.dataset.live = 'connected';
      // Whatever changed before the stream opened (or while it was reconnecting) is fetched now.
      refreshSoon();
    });
    events.addEventListener('error', () => { document.documentElement.dataset.live = 'reconnecting'; });
    events.addEventListener('task', (event) => refreshSoon(JSON.parse(event.data).id));
    liveRegions().forEach((region) => {
      const every = Number(region.getAttribute('data-live-every'));
      if (every > 0) {
        setInterval(() => liveRegions().forEach((current) => {
          if (current.id === region.id) {
            refresh(current);
          }
        }), every);
      }
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
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('form[data-kinds]').forEach(followKinds);
    connect();
  });
})();
