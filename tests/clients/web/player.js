/*
 * The harness page's logic: ?player=hls|dash&src=<manifest URL>&rate=<playbackRate>[&rung=<rendition id>]
 *
 * Plays the manifest muted at `rate` from the start to its end and records, in window.marquee, every
 * error the video element or the player library reports, the renditions the library kept after its
 * codec checks (MediaSource.isTypeSupported) and whether `ended` was reached. With `rung`, the video is
 * pinned to that one rendition (ABR off) so each rendition is played through on its own.
 * The driver (driver.mjs) reads window.marquee; segment requests it sees on the network itself.
 */
'use strict';

const params = new URLSearchParams(location.search);
const video = document.getElementById('video');
const rungParam = params.get('rung');
const state = (window.marquee = {
  state: 'loading', // loading | playing | ended | failed
  player: params.get('player'),
  rung: rungParam,
  errors: [], // anything that fails the run
  tolerated: [], // hls.js non-fatal reports that say nothing about the content (see TOLERATED_HLS)
  manifestRungs: [], // every video rendition the manifest lists
  rungs: [], // the video renditions the library kept (codec supported by this browser)
  audioTracks: 0,
  duration: null,
  currentTime: 0,
  audioDecodedBytes: 0,
  frames: 0, // decoded video frames (getVideoPlaybackQuality().totalVideoFrames)
  buffered: [], // the element's buffered ranges: at the end one from 0, unless timestamps have gaps
  readyState: 0,
  paused: true,
  timeline: [], // the element's events with their playhead, for a failure's diagnosis only
});

// hls.js reports these non-fatal "errors" about its own buffering, never about the stream: at 4-16x the
// playhead can catch up with the buffer on a shared CPU (bufferStalledError) and hls.js then nudges
// forward. A gap in the content shows up as bufferSeekOverHole / fragGap and stays an error.
const TOLERATED_HLS = new Set(['bufferStalledError', 'bufferNudgeOnStall']);

function fail(source, detail) {
  state.errors.push({ source, ...detail });
}

function rungOf(url) {
  // A rendition's files live in a folder named by its id: <...>/<rung>/playlist.m3u8 or init.mp4.
  const first = Array.isArray(url) ? url[0] : url; // hls.js levels carry a URL or a list of them
  const parts = new URL(first, location.href).pathname.split('/');
  return parts[parts.length - 2];
}

function loadScript(path) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = path;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${path}`));
    document.head.appendChild(script);
  });
}

function snapshot() {
  state.currentTime = video.currentTime;
  state.duration = Number.isFinite(video.duration) ? video.duration : null;
  state.audioDecodedBytes = video.webkitAudioDecodedByteCount || 0;
  state.frames = video.getVideoPlaybackQuality().totalVideoFrames;
  state.readyState = video.readyState;
  state.paused = video.paused;
  const ranges = video.buffered;
  state.buffered = [];
  for (let i = 0; i < ranges.length; i++) state.buffered.push([ranges.start(i), ranges.end(i)]);
}

function watchVideo() {
  video.addEventListener('error', () => {
    const error = video.error;
    fail('video', { code: error && error.code, message: error && error.message });
  });
  video.addEventListener('ended', () => {
    snapshot();
    state.state = state.errors.length ? 'failed' : 'ended';
  });
  video.addEventListener('playing', () => {
    if (state.state === 'loading') state.state = 'playing';
  });
  const rate = Number(params.get('rate') || '4');
  video.defaultPlaybackRate = rate;
  video.addEventListener('loadedmetadata', () => {
    video.playbackRate = rate;
    video.play().catch((error) => fail('video', { message: `play(): ${error}` }));
  });
  setInterval(snapshot, 50);
  for (const name of ['waiting', 'stalled', 'seeking', 'seeked', 'pause', 'play', 'ratechange', 'durationchange']) {
    video.addEventListener(name, () => state.timeline.push(`${name}@${video.currentTime.toFixed(3)}`));
  }
}

async function playHls(src) {
  await loadScript('node_modules/hls.js/dist/hls.min.js');
  const Hls = window.Hls;
  if (!Hls.isSupported()) throw new Error('hls.js: MediaSource is not supported');
  const hls = new Hls({ autoStartLoad: false, enableWorker: true });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    const report = { type: data.type, details: data.details, fatal: data.fatal, reason: String(data.reason || data.error || '') };
    if (!data.fatal && TOLERATED_HLS.has(data.details)) state.tolerated.push(report);
    else fail('hls.js', report);
  });
  hls.on(Hls.Events.MANIFEST_LOADED, (_event, data) => {
    state.manifestRungs = data.levels.map((level) => rungOf(level.url));
  });
  hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, (_event, data) => {
    state.audioTracks = data.audioTracks.length;
  });
  hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
    state.rungs = data.levels.map((level) => rungOf(level.url));
    if (rungParam !== null) {
      const index = state.rungs.indexOf(rungParam);
      if (index < 0) return fail('harness', { message: `hls.js dropped rendition ${rungParam}` });
      hls.startLevel = index;
      hls.loadLevel = index; // a manual level: ABR off
    }
    hls.startLoad(-1);
  });
  hls.attachMedia(video);
  hls.loadSource(src);
}

async function playDash(src) {
  await loadScript('node_modules/dashjs/dist/modern/umd/dash.all.min.js');
  const dashjs = window.dashjs;
  const player = dashjs.MediaPlayer().create();
  // No gap jumping: dash.js would silently seek over a hole in the buffer (or, stalled within 1.5 s of
  // the end, to the end); with it off, a gap in our timestamps stalls playback and fails the run.
  player.updateSettings({
    debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING },
    streaming: { gaps: { jumpGaps: false, jumpLargeGaps: false, enableStallFix: false } },
  });
  const events = dashjs.MediaPlayer.events;
  player.on(events.ERROR, (event) => fail('dash.js error', { error: JSON.stringify(event.error || event) }));
  player.on(events.PLAYBACK_ERROR, (event) => fail('dash.js playbackError', { error: String(event.error) }));
  if (rungParam !== null) {
    // Keep the one video Representation (audio ones have no width): the rendition is played alone.
    player.registerCustomCapabilitiesFilter((rep) => rep.width === undefined || rep.id === rungParam);
  }
  player.on(events.MANIFEST_LOADED, (event) => {
    const sets = event.data.Period[0].AdaptationSet;
    state.manifestRungs = sets.filter((set) => set.contentType === 'video').flatMap((set) => set.Representation.map((rep) => rep.id));
  });
  player.on(events.STREAM_INITIALIZED, () => {
    state.rungs = player.getTracksFor('video').flatMap((track) => track.bitrateList.map((rate) => rate.id));
    state.audioTracks = player.getTracksFor('audio').length;
  });
  player.initialize(video, src, false);
}

watchVideo();
const players = { hls: playHls, dash: playDash };
const play = players[state.player];
if (!play) fail('harness', { message: `unknown player ${state.player}` });
else play(params.get('src')).catch((error) => fail('harness', { message: String(error) }));
