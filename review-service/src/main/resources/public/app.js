(() => {
  const $ = id => document.getElementById(id);
  let token = sessionStorage.getItem('labelstream.token');
  let task = null;
  let done = 0;

  const api = (method, path, body) => fetch(path, {
    method,
    headers: Object.assign({'Authorization': 'Bearer ' + token}, body ? {'Content-Type': 'application/json'} : {}),
    body: body ? JSON.stringify(body) : undefined
  });

  function show(signedIn) {
    $('signin').classList.toggle('hidden', signedIn);
    $('workspace').classList.toggle('hidden', !signedIn);
  }

  async function claim() {
    $('status').textContent = 'Claiming…';
    const res = await api('POST', '/v1/tasks/claim');
    if (res.status === 401) { sessionStorage.removeItem('labelstream.token'); show(false); return; }
    if (res.status === 204) { task = null; $('task').classList.add('hidden'); $('status').textContent = 'Nothing waiting. Try again later.'; return; }
    if (!res.ok) { $('status').textContent = 'Claim failed: ' + (await res.json()).message; return; }
    task = await res.json();
    const img = await api('GET', task.imageUrl);
    $('frame').src = URL.createObjectURL(await img.blob());
    // Some tasks come without a suggestion (blind checks): then the reviewer picks a class unprompted.
    $('suggested').classList.toggle('hidden', !task.suggestion);
    $('accept').classList.toggle('hidden', !task.suggestion);
    $('suggestion').textContent = task.suggestion ? task.suggestion.label : '';
    $('confidence').textContent = task.suggestion ? (task.suggestion.confidence * 100).toFixed(1) + '%' : '';
    $('lease').textContent = new Date(task.leaseExpiresAt).toLocaleTimeString();
    const box = $('classes');
    box.innerHTML = '';
    task.classes.forEach((name, i) => {
      const b = document.createElement('button');
      b.textContent = ((i + 1) % 10) + ' ' + name;
      b.dataset.label = name;
      if (task.suggestion && name === task.suggestion.label) b.classList.add('suggested');
      b.onclick = () => submit(name);
      box.appendChild(b);
    });
    $('task').classList.remove('hidden');
    $('status').textContent = 'Task ' + task.taskId;
  }

  async function submit(label) {
    if (!task) return;
    const res = await api('POST', '/v1/tasks/' + encodeURIComponent(task.taskId) + '/submit', {label});
    if (!res.ok) { $('status').textContent = 'Submit failed: ' + (await res.json()).message; }
    else { done++; $('done').textContent = done; }
    await claim();
  }

  $('signin').onsubmit = e => { e.preventDefault(); token = $('token').value; sessionStorage.setItem('labelstream.token', token); show(true); claim(); };
  $('next').onclick = claim;
  $('accept').onclick = () => task && task.suggestion && submit(task.suggestion.label);
  $('release').onclick = async () => { if (task) { await api('POST', '/v1/tasks/' + encodeURIComponent(task.taskId) + '/release'); task = null; $('task').classList.add('hidden'); $('status').textContent = 'Released.'; } };
  document.addEventListener('keydown', e => {
    if (!task || e.target.tagName === 'INPUT') return;
    if (e.key === 'Enter') { e.preventDefault(); if (task.suggestion) submit(task.suggestion.label); }
    else if (/^[0-9]$/.test(e.key)) { const i = (Number(e.key) + 9) % 10; if (task.classes[i]) submit(task.classes[i]); }
  });
  if (token) { show(true); claim(); } else { show(false); }
})();
