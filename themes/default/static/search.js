// PolicyPress search: enhances the search form. Without JavaScript the form opens the A–Z
// page; with it, results appear as you type, from the school's search index.
(function () {
  'use strict';
  var form = document.querySelector('form[data-search-index]');
  if (!form || !window.fetch) { return; }
  var input = form.querySelector('input[type="search"]');
  // Entries' addresses are relative to the index's (or paths from the site's root).
  var indexUrl = new URL(form.getAttribute('data-search-index'), window.location.href);
  var index = null;
  var status = document.createElement('p');
  status.className = 'search-status';
  status.setAttribute('role', 'status');
  var list = document.createElement('ul');
  list.className = 'search-list';
  var box = document.createElement('div');
  box.className = 'search-box';
  box.appendChild(status);
  box.appendChild(list);
  form.parentNode.insertBefore(box, form.nextSibling);

  function words(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean);
  }
  function load() {
    if (index) { return Promise.resolve(index); }
    return fetch(indexUrl).then(function (r) { return r.json(); })
      .then(function (data) { index = data; return data; });
  }
  function search(query) {
    var q = words(query);
    list.textContent = '';
    if (!q.length) { status.textContent = ''; return; }
    load().then(function (entries) {
      var hits = [];
      entries.forEach(function (e) {
        var hay = ' ' + words(e.t + ' ' + e.s + ' ' + e.x).join(' ') + ' ';
        var score = 0;
        for (var i = 0; i < q.length; i++) {
          if (hay.indexOf(' ' + q[i]) < 0) { return; }
          score += words(e.t + ' ' + e.s).join(' ').indexOf(q[i]) >= 0 ? 3 : 1;
        }
        hits.push({ e: e, score: score });
      });
      hits.sort(function (a, b) { return b.score - a.score; });
      hits.slice(0, 20).forEach(function (h) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = new URL(h.e.u, indexUrl).href;
        a.textContent = h.e.s ? h.e.t + ': ' + h.e.s : h.e.t;
        li.appendChild(a);
        list.appendChild(li);
      });
      status.textContent = hits.length === 0 ? 'No pages match “' + query + '”.'
        : hits.length + (hits.length === 1 ? ' page matches' : ' pages match') + ' “' + query + '”' + (hits.length > 20 ? '; showing the first 20.' : '.');
    }).catch(function () { status.textContent = 'Search is not available; use the A to Z instead.'; });
  }
  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    search(input.value);
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) { input.value = params.get('q'); search(input.value); }
}());
