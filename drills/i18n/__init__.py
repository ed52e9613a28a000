"""One translation layer for everything a person reads: gettext catalogues (``.po`` files
kept with Babel), plural forms, and numbers written as the drill's language writes them.

A drill's language follows its scenario's locale (``sv_SE`` -> ``sv``); a screen may
override it (``--lang``). Ids in files and commands never change; only what is shown does.
English is the source language: a message without a translation is shown as written.
"""
