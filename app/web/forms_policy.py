"""Every WTForms form: messages in Chinese, and no `maxlength` in the page.

A browser cuts pasted text at `maxlength` without a word (a clerk pasting 650 characters into 特殊条款 lost 50
unseen); without it the server refuses the text with the limit and the count beside the field, and long fields
show a live count (forms.js). Messages a form does not spell out come from WTForms' own Chinese catalogue.
"""
from flask import Flask
from flask_wtf import FlaskForm
from wtforms.widgets import PasswordInput, TextArea, TextInput


def register(app: Flask) -> None:
    app.config.setdefault("WTF_I18N_ENABLED", False)  # no Flask-Babel here: WTForms' catalogue, by Meta.locales
    FlaskForm.Meta.locales = ["zh"]
    for widget in (TextInput, PasswordInput, TextArea):
        widget.validation_attrs = [name for name in widget.validation_attrs if name != "maxlength"]
