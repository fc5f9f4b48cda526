"""``wmdsl serve``: a live preview of specs in the browser.

:mod:`.state` reads the project again after every change and keeps the last
picture that compiled; :mod:`.elements` says which diagram elements a
finding is about; :mod:`.watch` notices changes (also for ``wmdsl check
--watch``); :mod:`.server` serves the page, its state, the views and the
change events on the loopback interface; ``static/`` holds the page.
"""
