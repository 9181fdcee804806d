// main.js: the last script of the page: every view is loaded, start.
'use strict';

window.KioskApp.start();
