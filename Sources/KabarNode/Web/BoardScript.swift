/// The board's one script, served from the binary as `/kabar.js` and loaded only by the post
/// form (Documentation/Board.md, "Attachments from phones"). Progressive enhancement: the form
/// posts the same fields with JavaScript off, and nothing here is needed to post.
///
/// What it does, where the browser can:
///
/// - **A chosen photo is made smaller** before it is sent: decoded (`createImageBitmap`, else
///   an `<img>` of a `blob:` URL), drawn on a canvas at most `SIDE_MAX` (1,280) px on its long
///   side, and encoded as JPEG at quality 0.8; the file input's file is replaced through a
///   `DataTransfer`, so the ordinary form submission sends it. A photo already within 1,280 px
///   and 300 KB is left alone, and so is one the canvas would only make larger. A phone photo
///   of 3-5 MB becomes about 150-300 KB, and its EXIF data (place and time) is not sent.
/// - **A voice note is recorded** where `MediaRecorder` and `getUserMedia` exist, which browsers
///   allow only in a secure context (HTTPS or localhost): on the hall's plain-HTTP board the
///   button is not shown, and the phone's own recorder app through the file input does the job.
///   Up to two minutes at 32 kbit/s (about 480 KB), in the first type the browser records of
///   Ogg Opus, MP4 and WebM, all of which the board serves.
/// - **A file over the hall's limit** is refused on the phone, in the page's language, before
///   megabytes travel.
///
/// Old browsers: plain ES5 (no arrow functions, no `let`), and each feature is tested before
/// use; a browser missing one simply sends the file as chosen. Every word comes from the form's
/// `data-t-*` attributes (BoardText), so the script holds no language; its size is about 6 KB.
/// It satisfies the board's CSP: a file from the board itself (`script-src 'self'`), no inline
/// handler, no `eval`; previews use `blob:` URLs, which the CSP allows for images and media only.
enum BoardScript {
    /// Where the board serves it.
    static let path = "/kabar.js"

    static let source = #"""
        (function () {
          'use strict';
          var form = document.querySelector('form[data-upload]');
          var input = form && form.querySelector('input[type=file]');
          var status = document.getElementById('attach-status');
          var preview = document.getElementById('attach-preview');
          if (!form || !input || !status || !preview) return;
          var send = form.querySelector('button[type=submit]');
          var max = parseInt(form.getAttribute('data-max'), 10) || 0;
          var SIDE_MAX = 1280, QUALITY = 0.8, KEEP_BYTES = 300000, RECORD_MS = 120000, BITS_PER_SECOND = 32000;
          var RECORD_TYPES = ['audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm;codecs=opus', 'audio/webm'];
          var EXTENSIONS = { 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/webm': 'webm' };
          var busy = false, generation = 0;

          function word(name) { return form.getAttribute('data-t-' + name) || ''; }
          function fill(text, values) {
            for (var key in values) { if (values.hasOwnProperty(key)) text = text.split('{' + key + '}').join(String(values[key])); }
            return text;
          }
          function size(bytes) {
            if (bytes >= 1000000) return (Math.floor(bytes / 100000) / 10).toFixed(1) + ' MB';
            return bytes >= 1000 ? Math.floor(bytes / 1000) + ' KB' : bytes + ' B';
          }
          function say(text, isError) { status.textContent = text; status.className = isError ? 'err' : 'm'; }
          function setBusy(value) { busy = value; if (send) send.disabled = value; }
          function clearPreview() { while (preview.firstChild) preview.removeChild(preview.firstChild); }
          function canReplace() {
            try { return typeof DataTransfer === 'function' && typeof File === 'function' && !!new DataTransfer().items; } catch (error) { return false; }
          }
          function replace(file) {
            var transfer = new DataTransfer();
            transfer.items.add(file);
            input.files = transfer.files;
          }
          function show(file) {
            clearPreview();
            var isImage = file.type.indexOf('image/') === 0, isAudio = file.type.indexOf('audio/') === 0;
            if ((!isImage && !isAudio) || !window.URL || !URL.createObjectURL) return;
            var element = document.createElement(isImage ? 'img' : 'audio');
            if (isImage) element.alt = file.name; else element.controls = true;
            element.src = URL.createObjectURL(file);
            preview.appendChild(element);
          }
          function fits(file) {
            if (!max || file.size <= max) return true;
            say(fill(word('too-large'), { size: size(file.size) }), true);
            input.value = '';
            clearPreview();
            return false;
          }

          function decode(file, done, fail) {
            function viaImage() {
              var url = URL.createObjectURL(file), image = new Image();
              image.onload = function () { done(image, image.naturalWidth, image.naturalHeight); URL.revokeObjectURL(url); };
              image.onerror = function () { URL.revokeObjectURL(url); fail(); };
              image.src = url;
            }
            if (window.createImageBitmap) {
              window.createImageBitmap(file).then(function (bitmap) { done(bitmap, bitmap.width, bitmap.height); }, viaImage);
            } else {
              viaImage();
            }
          }

          function scale(file, mine) {
            function finish(result, originalBytes) {
              if (mine !== generation) return;
              setBusy(false);
              if (!fits(result)) return;
              show(result);
              say(originalBytes ? fill(word('scaled'), { from: size(originalBytes), to: size(result.size) }) : result.name + ', ' + size(result.size), false);
            }
            setBusy(true);
            say(word('scaling'), false);
            decode(file, function (source, width, height) {
              var side = Math.max(width, height);
              var canvas = document.createElement('canvas');
              var context = canvas.getContext && canvas.getContext('2d');
              if (mine !== generation || !side || (side <= SIDE_MAX && file.size <= KEEP_BYTES) || !context || !canvas.toBlob) {
                finish(file, 0);
                return;
              }
              var ratio = Math.min(1, SIDE_MAX / side);
              canvas.width = Math.max(1, Math.round(width * ratio));
              canvas.height = Math.max(1, Math.round(height * ratio));
              context.fillStyle = '#fff';
              context.fillRect(0, 0, canvas.width, canvas.height);
              context.drawImage(source, 0, 0, canvas.width, canvas.height);
              if (source.close) source.close();
              canvas.toBlob(function (blob) {
                if (mine !== generation) return;
                if (!blob || (blob.size >= file.size && side <= SIDE_MAX)) { finish(file, 0); return; }
                var name = (file.name.replace(/\.[A-Za-z0-9]+$/, '') || 'foto') + '.jpg';
                var scaled = new File([blob], name, { type: 'image/jpeg' });
                replace(scaled);
                finish(scaled, file.size);
              }, 'image/jpeg', QUALITY);
            }, function () { finish(file, 0); });
          }

          input.addEventListener('change', function () {
            generation += 1;
            setBusy(false);
            clearPreview();
            say('', false);
            var file = input.files && input.files[0];
            if (!file) return;
            if (/^image\/(jpeg|png|webp)$/.test(file.type) && canReplace() && window.URL && URL.createObjectURL) {
              scale(file, generation);
            } else if (fits(file)) {
              show(file);
              say(file.name + ', ' + size(file.size), false);
            }
          });
          form.addEventListener('submit', function (event) { if (busy) event.preventDefault(); });

          function recordType() {
            if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) return null;
            for (var i = 0; i < RECORD_TYPES.length; i++) { if (MediaRecorder.isTypeSupported(RECORD_TYPES[i])) return RECORD_TYPES[i]; }
            return null;
          }

          function offerRecording(type) {
            var button = document.createElement('button'), recorder = null, chunks = [], timer = 0, started = 0;
            button.type = 'button';
            button.className = 'rec';
            button.textContent = word('record');
            preview.parentNode.insertBefore(button, preview.nextSibling);
            function tick() {
              var elapsed = Date.now() - started;
              say(fill(word('recording'), { seconds: Math.min(120, Math.floor(elapsed / 1000)) }), false);
              if (elapsed >= RECORD_MS && recorder && recorder.state === 'recording') recorder.stop();
            }
            function refuse(stream) {
              if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
              button.disabled = false;
              say(word('no-mic'), true);
            }
            function start(stream) {
              try {
                recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND });
              } catch (error) {
                recorder = null;
                refuse(stream);
                return;
              }
              chunks = [];
              recorder.ondataavailable = function (event) { if (event.data && event.data.size) chunks.push(event.data); };
              recorder.onstop = function () {
                clearInterval(timer);
                stream.getTracks().forEach(function (track) { track.stop(); });
                var base = type.split(';')[0], seconds = Math.round((Date.now() - started) / 1000);
                var file = new File(chunks, 'suara.' + EXTENSIONS[base], { type: base });
                recorder = null;
                chunks = [];
                generation += 1;
                button.textContent = word('record');
                setBusy(false);
                if (!fits(file)) return;
                replace(file);
                show(file);
                say(fill(word('recorded'), { seconds: seconds, size: size(file.size) }), false);
              };
              recorder.start(1000);
              started = Date.now();
              setBusy(true);
              clearPreview();
              button.disabled = false;
              button.textContent = word('stop');
              tick();
              timer = setInterval(tick, 500);
            }
            button.addEventListener('click', function () {
              if (recorder) { recorder.stop(); return; }
              button.disabled = true;
              navigator.mediaDevices.getUserMedia({ audio: true }).then(start, function () { refuse(null); });
            });
          }

          var type = recordType();
          if (type && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && canReplace()) offerRecording(type);
        })();
        """#
}
