/* harmwatch dashboard: plain JavaScript, no build step, nothing from the network but the API
 * (and the optional map tiles). Article text is untrusted: every piece of data goes into the page
 * through textContent or DOM nodes, never innerHTML. */
'use strict';
(function () {
  const TOKEN_KEY = 'harmwatch-token';
  const PAGE_SIZE = 50;
  const MAP_POINTS = 3000;  // newest placed incidents drawn; the note says when there are more
  const state = { config: null, me: null, page: 1, pages: 1, map: null, cluster: null, incident: null, mapReady: null };

  // --- small DOM helpers ---------------------------------------------------------------------------
  const $ = (sel, root) => (root || document).querySelector(sel);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  const fmt = (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en', { maximumFractionDigits: 1 }));
  const range = (r) => (!r || r.best === null || r.best === undefined ? '–'
    : r.low === r.high ? fmt(r.best) : `${fmt(r.low)}–${fmt(r.high)}`);
  const label = (code) => String(code || '').replace(/_/g, ' ');
  const dates = (start, end) => (!start ? 'undated' : start === end || !end ? start : `${start} – ${end}`);

  function notice(text) { $('#notice').textContent = text || ''; }

  // --- the API -------------------------------------------------------------------------------------
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    if (token()) opts.headers.Authorization = `Bearer ${token()}`;
    if (opts.json !== undefined) {
      opts.method = opts.method || 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(opts.json);
    }
    const response = await fetch(path, opts);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join('; ') : '';
      const error = new Error(body.error || detail || `${response.status} ${response.statusText}`);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }

  // --- signing in ----------------------------------------------------------------------------------
  async function refreshAccount() {
    state.me = null;
    if (token()) {
      try { state.me = await api('/api/me'); } catch (err) {
        if (err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
        $('#signin-error').textContent = err.message;
      }
    }
    $('#signin').hidden = Boolean(state.me);
    $('#signed-in').hidden = !state.me;
    $('#who').textContent = state.me ? `${state.me.name} (${state.me.role})` : '';
  }

  function setupAccount() {
    $('#signin').addEventListener('submit', async (event) => {
      event.preventDefault();
      $('#signin-error').textContent = '';
      const value = $('#token').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      $('#token').value = '';
      await refreshAccount();
      route();
    });
    $('#signout').addEventListener('click', async () => {
      sessionStorage.removeItem(TOKEN_KEY);
      await refreshAccount();
      route();
    });
  }

  // --- filters -------------------------------------------------------------------------------------
  function fillSelect(select, codes) {
    for (const code of codes) select.append(el('option', { value: code, text: label(code) }));
  }

  function filterParams() {
    const form = $('#filters');
    const params = new URLSearchParams();
    for (const name of ['q', 'type', 'grade', 'target', 'actor', 'since', 'until']) {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    if (form.elements.inview.checked && state.map) {
      const b = state.map.getBounds();
      const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
      params.set('bbox', [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((x) => x.toFixed(4)).join(','));
    }
    return params;
  }

  function setupFilters() {
    const form = $('#filters');
    fillSelect(form.elements.type, state.config.event_types);
    fillSelect(form.elements.grade, state.config.grades);
    fillSelect(form.elements.target, state.config.targets);
    form.addEventListener('submit', (event) => { event.preventDefault(); state.page = 1; loadList(true); });
    form.addEventListener('reset', () => { setTimeout(() => { state.page = 1; loadList(true); }, 0); });
    $('#prev').addEventListener('click', () => { if (state.page > 1) { state.page -= 1; loadList(false); } });
    $('#next').addEventListener('click', () => { if (state.page < state.pages) { state.page += 1; loadList(false); } });
  }

  // --- list view -----------------------------------------------------------------------------------
  function incidentLink(id, text) {
    return el('a', { href: `#/incident/${encodeURIComponent(id)}`, text: text || id });
  }

  function badgeRow(item) {
    return [
      el('span', { className: `badge ${item.grade}`, text: item.grade }),
      item.contradiction ? el('span', { className: 'badge contradiction', text: 'contradiction', title: 'claims whose figures contradict each other' }) : null,
    ];
  }

  function renderRows(items) {
    const body = $('#incidents tbody');
    body.replaceChildren(...items.map((item) => el('tr', { dataset: { id: item.id } },
      el('td', {}, incidentLink(item.id, dates(item.date_start, item.date_end))),
      el('td', { text: label(item.type) + (item.scope === 'aggregate' ? ' (tally)' : '') }),
      el('td', { text: item.place || '?' }),
      el('td', { text: range(item.killed) }),
      el('td', { text: range(item.injured) }),
      el('td', { text: `${item.sources.length} (${item.independent_sources} independent)` }),
      el('td', {}, badgeRow(item)),
      el('td', {}, el('span', { className: `badge ${item.status}`, text: item.status })))));
  }

  // The list shows as soon as its page arrives; the timeline and the map follow when theirs do.
  async function loadList(withMap) {
    const params = filterParams();
    params.set('page', state.page);
    params.set('limit', PAGE_SIZE);
    const stats = api(`/api/stats?${filterParams()}`);
    const map = withMap ? loadMap() : Promise.resolve();
    try {
      const page = await api(`/api/incidents?${params}`);
      state.pages = page.pages;
      renderRows(page.items);
      $('#summary').textContent = `${page.total.toLocaleString('en')} incidents match`;
      $('#page-info').textContent = `page ${page.page} of ${page.pages}`;
      $('#prev').disabled = page.page <= 1;
      $('#next').disabled = page.page >= page.pages;
      notice('');
      renderTimeline(await stats);
      await map;
    } catch (err) {
      notice(err.status === 401 ? "This server's data is private: sign in with a token to read it." : err.message);
    }
  }

  // --- timeline (hand-written SVG) -----------------------------------------------------------------
  // Every month between the first and the last (empty ones too), or years when that is over 20 years.
  function timelineBins(byMonth) {
    if (!byMonth.length) return [];
    const key = (m) => { const [y, mo] = m.split('-').map(Number); return y * 12 + mo - 1; };
    const first = key(byMonth[0].month); const last = key(byMonth[byMonth.length - 1].month);
    const yearly = last - first > 240;
    const bins = new Map();
    const name = (k) => (yearly ? String(Math.floor(k / 12)) : `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`);
    for (let k = first; k <= last; k += yearly ? 12 - (k % 12) : 1) bins.set(name(k), { month: name(k), count: 0, killed_best: 0 });
    for (const m of byMonth) {
      const bin = bins.get(name(key(m.month)));
      bin.count += m.count;
      bin.killed_best += m.killed_best;
    }
    return Array.from(bins.values());
  }

  function renderTimeline(stats) {
    const months = timelineBins(stats.by_month);
    const box = $('#timeline');
    $('#totals').textContent = `${stats.incidents.toLocaleString('en')} events, ${fmt(stats.killed_best)} killed ` +
      `(best estimates), ${stats.contradictions} with contradicting figures, ${stats.reviewed} reviewed`;
    if (!months.length) { box.replaceChildren(el('p', { className: 'small', text: 'No dated incidents.' })); return; }
    const width = 600; const height = 200; const pad = 24;
    const top = Math.max(...months.map((m) => m.count));
    const step = (width - pad * 2) / months.length;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'incidents per month' });
    months.forEach((m, i) => {
      const h = Math.max(1, (m.count / top) * (height - pad * 2));
      const bar = svg('rect', { class: 'bar', x: pad + i * step + 1, y: height - pad - h, width: Math.max(1, step - 2), height: h },
        svg('title', {}, `${m.month}: ${m.count} incidents, ${fmt(m.killed_best)} killed`));
      bar.addEventListener('click', () => pickMonth(m.month));
      chart.append(bar);
    });
    const every = Math.ceil(months.length / 8);
    months.forEach((m, i) => {
      if (i % every === 0) chart.append(svg('text', { x: pad + i * step, y: height - 6 }, m.month));
    });
    chart.append(svg('text', { x: 2, y: pad - 6 }, `${top}`));
    box.replaceChildren(chart);
  }

  function pickMonth(month) {
    const form = $('#filters');
    if (!month.includes('-')) {  // a year bin
      form.elements.since.value = `${month}-01-01`;
      form.elements.until.value = `${month}-12-31`;
      state.page = 1;
      loadList(true);
      return;
    }
    const [year, mon] = month.split('-').map(Number);
    const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
    form.elements.since.value = `${month}-01`;
    form.elements.until.value = `${month}-${String(last).padStart(2, '0')}`;
    state.page = 1;
    loadList(true);
  }

  // --- map (Leaflet + markercluster from npm, when installed) --------------------------------------
  function loadAsset(tag, attrs) {
    return new Promise((resolve, reject) => {
      const node = el(tag, attrs);
      node.addEventListener('load', resolve);
      node.addEventListener('error', () => reject(new Error(`could not load ${attrs.src || attrs.href}`)));
      document.head.append(node);
    });
  }

  async function setupMap() {
    const note = $('#map-note');
    if (!state.config.map_assets) {
      $('#map').replaceChildren(el('p', { className: 'map-missing', text:
        'The map library is not installed. Run ./setup.sh (or `npm ci` in src/harmwatch/web) and reload; ' +
        'the list, the timeline and the incident pages work without it.' }));
      return;
    }
    try {
      await Promise.all([
        loadAsset('link', { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' }),
        loadAsset('link', { rel: 'stylesheet', href: '/vendor/markercluster/MarkerCluster.css' }),
        loadAsset('link', { rel: 'stylesheet', href: '/vendor/markercluster/MarkerCluster.Default.css' }),
        loadAsset('script', { src: '/vendor/leaflet/leaflet.js' }),
      ]);
      await loadAsset('script', { src: '/vendor/markercluster/leaflet.markercluster.js' });
    } catch (err) {
      note.textContent = `${err.message}; the map is off.`;
      return;
    }
    const L = window.L;
    state.map = L.map('map', { worldCopyJump: true, minZoom: 1, maxZoom: 18 }).setView([30, 30], 3);
    if (state.config.tiles) {
      L.tileLayer(state.config.tiles, { maxZoom: 18, attribution: state.config.tiles_attribution }).addTo(state.map);
    } else {
      note.textContent = 'Map tiles are turned off on this server; markers show on a blank map.';
    }
    state.cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
    state.map.addLayer(state.cluster);
    state.map.on('moveend', () => { if ($('#filters').elements.inview.checked) { state.page = 1; loadList(false); } });
  }

  function popup(props) {
    return el('div', { className: 'popup' },
      el('strong', {}, incidentLink(props.id, `${label(props.type)}, ${props.place || '?'}`)),
      el('div', { text: dates(props.date_start, props.date_end) }),
      el('div', { text: `killed ${range(props.killed)}; grade ${props.grade}` }));
  }

  async function loadMap() {
    await state.mapReady;
    if (!state.map) return;
    const params = filterParams();
    params.delete('bbox');
    params.set('limit', Math.min(MAP_POINTS, state.config.max_map_points));
    const data = await api(`/api/incidents.geojson?${params}`);
    const L = window.L;
    const markers = data.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const marker = L.circleMarker([lat, lon], { radius: 6, weight: 1, color: '#7a1010', fillOpacity: 0.7 });
      marker.bindPopup(() => popup(f.properties));
      return marker;
    });
    state.cluster.clearLayers();
    state.cluster.addLayers(markers);
    $('#map-note').textContent = data.total > markers.length
      ? `The map shows the newest ${markers.length} of ${data.total.toLocaleString('en')} placed incidents; filter to see others.`
      : `${markers.length} placed incidents on the map.`;
    if (markers.length && !$('#filters').elements.inview.checked) {
      state.map.fitBounds(state.cluster.getBounds(), { maxZoom: 9, padding: [20, 20] });
    }
  }

  // --- incident page -------------------------------------------------------------------------------
  function facts(inc) {
    const where = inc.where ? `${inc.where.name} (${inc.where.precision})` : 'unknown';
    const rows = [
      ['id', inc.id], ['type', `${label(inc.type)} (${inc.scope})`],
      ['when', inc.when ? `${dates(inc.when.start, inc.when.end)} (${inc.when.precision})` : 'unknown'],
      ['where', where], ['perpetrators', inc.perpetrators.join(', ') || '–'],
      ['targets', inc.targets.map(label).join(', ') || '–'],
      ['sources', `${inc.sources.join(', ') || '–'} (${inc.independent_sources} independent)`],
      ['grade', inc.grade], ['status', inc.status],
      ['reviewed fields', inc.reviewed_fields.join(', ') || '–'],
    ];
    if (inc.pending_mentions > 0) {  // a large incident waits for its rebuild while `process` runs
      rows.push(['updating', `${inc.pending_mentions} more report(s) joined after these figures were computed; ` +
        'they are recomputed before `harmwatch process` ends.']);
    }
    return el('dl', { className: 'facts' }, rows.map(([k, v]) => [el('dt', { text: k }), el('dd', { text: v, dataset: { field: k } })]));
  }

  function claimCard(claim) {
    const value = claim.low === claim.high ? fmt(claim.low) : `${fmt(claim.low)}–${fmt(claim.high)}`;
    return el('div', { className: 'claim' },
      el('div', { className: 'value', text: value }),
      el('div', { className: 'small', text: `${claim.qualifier}, ${claim.certainty}` }),
      el('div', { text: `said by ${claim.claimed_by || claim.source || 'unknown'}` }),
      el('div', { className: 'small', text: `${claim.source || '?'}, ${claim.published || 'undated'}, document ${claim.document}` }),
      el('blockquote', { text: claim.evidence.text }),
      el('button', { type: 'button', className: 'show-evidence', text: 'Show in document',
        onclick: () => showDocument(claim.document_sha256 || claim.document, claim.evidence) }));
  }

  function figureBlock(fig) {
    return el('section', { className: 'figure' },
      el('h3', {}, `${label(fig.kind)} / ${fig.group}: `, `low ${fmt(fig.low)}, best ${fmt(fig.best)}, high ${fmt(fig.high)}`,
        fig.contradiction ? el('span', { className: 'badge contradiction', text: 'contradiction' }) : null),
      el('div', { className: 'claims' }, fig.claims.map(claimCard)));
  }

  function linkText(link) {
    if (!link) return 'founded the incident';
    const why = Object.entries(link.features).map(([k, v]) => `${k} ${Number(v).toFixed(2)}`).join(', ');
    return `score ${link.score.toFixed(2)}${link.matched_mention ? ` with ${link.matched_mention}` : ''}: ${why}`;
  }

  function mentionRows(inc) {
    const canReview = state.me && ['reviewer', 'admin'].includes(state.me.role);
    return el('table', { className: 'mentions' },
      el('thead', {}, el('tr', {}, canReview ? el('th', { text: 'split' }) : null,
        ['Mention', 'Document', 'Statement', 'Why linked'].map((h) => el('th', { text: h })))),
      el('tbody', {}, inc.mentions.map((m) => el('tr', { dataset: { mention: m.id } },
        canReview ? el('td', {}, el('input', { type: 'checkbox', className: 'split-pick', value: m.id, 'aria-label': `move ${m.id}` })) : null,
        el('td', {}, el('div', { text: m.id }), el('div', { className: 'small', text: `${label(m.type)}, ${m.status}, ${m.certainty}` })),
        el('td', { text: m.document }),
        el('td', {}, el('blockquote', { text: m.evidence.text }),
          el('button', { type: 'button', className: 'show-evidence', text: 'Show in document',
            onclick: () => showDocument(m.document_sha256, m.evidence) })),
        el('td', { className: 'small', text: linkText(m.link) })))));
  }

  function historyList(inc) {
    if (!inc.history.length) return el('p', { className: 'small', text: 'No reviewer has acted on this incident yet.' });
    return el('ul', { className: 'history' }, inc.history.map((h) => el('li', {},
      `${h.at.slice(0, 19).replace('T', ' ')}: ${h.who} — ${h.action}`,
      h.changed.length ? ` (${h.changed.join(', ')})` : '',
      h.note ? el('div', { className: 'small', text: `“${h.note}”` }) : null)));
  }

  // Code points, not UTF-16 units: harmwatch's offsets count Python str characters.
  function highlighted(text, span) {
    const chars = Array.from(text);
    let start = span.start; let end = span.end;
    if (chars.slice(start, end).join('') !== span.text) {
      const at = text.indexOf(span.text);
      if (at < 0) return [el('span', { text })];
      start = Array.from(text.slice(0, at)).length;
      end = start + Array.from(span.text).length;
    }
    return [chars.slice(0, start).join(''), el('mark', { id: 'evidence', text: chars.slice(start, end).join('') }),
      chars.slice(end).join('')];
  }

  async function showDocument(key, span) {
    const box = $('#document');
    box.replaceChildren(el('p', { className: 'small', text: 'Loading the document…' }));
    try {
      const doc = await api(`/api/documents/${encodeURIComponent(key)}`);
      box.replaceChildren(
        el('h3', { className: 'doc-title', text: doc.title || doc.id }),
        el('p', { className: 'small', text: `${doc.source || 'unknown source'}, ${doc.published || 'undated'}; ` +
          `document ${doc.id}; SHA-256 of the original ${doc.sha256}` }),
        doc.url ? el('p', { className: 'small', text: `URL (not opened): ${doc.url}` }) : null,
        el('div', { className: 'doc-text' }, highlighted(doc.text, span)));
      const mark = $('#evidence', box);
      if (mark) mark.scrollIntoView({ block: 'center' });
    } catch (err) {
      box.replaceChildren(el('p', { className: 'error', text: err.message }));
    }
  }

  async function act(path, body, message) {
    const out = $('#review-result');
    out.className = '';
    out.textContent = 'Saving…';
    try {
      const result = await api(path, { json: body });
      out.className = 'ok';
      out.textContent = message;
      const first = result.incidents[0];
      if (decodeURIComponent(location.hash.slice('#/incident/'.length)) === first) await showIncident(first, message);
      else location.hash = `#/incident/${encodeURIComponent(first)}`;
    } catch (err) {
      out.className = 'error';
      out.textContent = err.message;
    }
  }

  function actionForm(name, fields, submit, handler) {
    const form = el('form', { className: `review-${name}` }, fields, el('button', { type: 'submit', text: submit }));
    form.addEventListener('submit', (event) => { event.preventDefault(); handler(form); });
    return form;
  }

  function editValue(field, raw) {
    if (field === 'type' || field === 'grade') return raw.trim();
    if (field === 'perpetrators' || field === 'targets') return raw.split(',').map((s) => s.trim()).filter(Boolean);
    return JSON.parse(raw);
  }

  function reviewPanel(inc) {
    if (!state.me) return el('p', { className: 'small', text: 'Sign in with a reviewer token to confirm, correct, merge or split this incident.' });
    const base = `/api/incidents/${encodeURIComponent(inc.id)}`;
    const fieldSelect = el('select', { name: 'field' }, state.config.editable_fields.map((f) => el('option', { value: f, text: f })));
    return el('section', { id: 'review-panel' }, el('h3', { text: 'Review' }),
      actionForm('confirm', [el('input', { type: 'text', name: 'note', placeholder: 'note (optional)' })], 'Confirm',
        (f) => act(`${base}/confirm`, { note: f.elements.note.value }, 'Confirmed.')),
      actionForm('edit', [fieldSelect, el('input', { type: 'text', name: 'value', placeholder: 'value: a code, a comma list, or JSON' }),
        el('input', { type: 'text', name: 'note', placeholder: 'why (optional)' })], 'Set field',
      (f) => {
        let value;
        try { value = editValue(f.elements.field.value, f.elements.value.value); } catch (err) {
          $('#review-result').textContent = `The value is not JSON: ${err.message}`; return;
        }
        act(`${base}/edit`, { field: f.elements.field.value, value, note: f.elements.note.value }, 'Field set.');
      }),
      actionForm('merge', [el('input', { type: 'text', name: 'incidents', placeholder: 'ids of incidents to merge into this one, comma separated' })],
        'Merge into this', (f) => act(`${base}/merge`, { incidents: f.elements.incidents.value.split(',').map((s) => s.trim()).filter(Boolean) }, 'Merged.')),
      actionForm('split', [el('span', { className: 'small', text: 'Tick mentions below, then' })], 'Split them off',
        () => act(`${base}/split`, { mentions: Array.from(document.querySelectorAll('.split-pick:checked')).map((c) => c.value) }, 'Split off.')),
      actionForm('discount', [el('input', { type: 'text', name: 'reason', placeholder: 'reason (required)', required: true })], 'Discount',
        (f) => act(`${base}/discount`, { reason: f.elements.reason.value }, 'Discounted.')),
      actionForm('note', [el('input', { type: 'text', name: 'text', placeholder: 'note for the history', required: true })], 'Add note',
        (f) => act(`${base}/note`, { text: f.elements.text.value }, 'Note added.')),
      el('p', { id: 'review-result', role: 'status' }));
  }

  async function showIncident(id, message) {
    $('#list-view').hidden = true;
    const view = $('#incident-view');
    view.hidden = false;
    view.replaceChildren(el('p', { className: 'small', text: 'Loading…' }));
    let inc;
    try { inc = await api(`/api/incidents/${encodeURIComponent(id)}`); } catch (err) {
      const into = err.body && err.body.merged_into;
      view.replaceChildren(el('p', {}, el('a', { href: '#/', text: '← all incidents' })), el('p', { className: 'error', text: err.message }),
        into ? el('p', {}, 'Open ', incidentLink(into)) : null);
      return;
    }
    state.incident = inc;
    const where = inc.where ? inc.where.name : 'unknown place';
    view.replaceChildren(
      el('p', {}, el('a', { href: '#/', text: '← all incidents' })),
      el('h2', { text: `${label(inc.type)} in ${where}, ${inc.when ? dates(inc.when.start, inc.when.end) : 'undated'}` }),
      el('div', {}, el('span', { className: `badge ${inc.grade}`, text: inc.grade }), ' ',
        el('span', { className: `badge ${inc.status}`, text: inc.status })),
      facts(inc),
      reviewPanel(inc),
      el('div', { className: 'detail-grid' },
        el('div', {}, el('h3', { text: 'Figures: each claim with the sentence that made it' }),
          inc.figures.length ? inc.figures.map(figureBlock) : el('p', { className: 'small', text: 'No figures reported.' })),
        el('div', {}, el('h3', { text: 'Source document' }),
          el('div', { id: 'document' }, el('p', { className: 'small', text: 'Choose "Show in document" to read a claim in its document.' })))),
      el('h3', { text: 'Mentions' }), mentionRows(inc),
      el('h3', { text: 'Documents' }),
      el('ul', {}, inc.documents.map((d) => el('li', {}, `${d.title || d.id} — ${d.source || '?'}, ${d.published || 'undated'}`))),
      el('h3', { text: 'History' }), historyList(inc));
    if (message) { $('#review-result').className = 'ok'; $('#review-result').textContent = message; }
  }

  // --- routing -------------------------------------------------------------------------------------
  function route() {
    const hash = location.hash;
    if (hash.startsWith('#/incident/')) {
      showIncident(decodeURIComponent(hash.slice('#/incident/'.length)));
      return;
    }
    $('#incident-view').hidden = true;
    $('#list-view').hidden = false;
    if (state.map) state.map.invalidateSize();
    loadList(true);
  }

  async function start() {
    try { state.config = await api('/api/config'); } catch (err) { notice(`The server did not answer: ${err.message}`); return; }
    setupAccount();
    setupFilters();
    await refreshAccount();
    state.mapReady = setupMap().catch((err) => {  // the page works without the map
      state.map = null;
      $('#map-note').textContent = `The map could not start (${err.message}); the list and timeline still work.`;
    });
    window.addEventListener('hashchange', route);
    route();
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
}());
