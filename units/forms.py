from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .models import Unit, User

USERNAME_MAX = User._meta.get_field("username").max_length


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username no account can have before it reaches
    authenticate(): django-axes records every failed attempt, and a 5.000-character name does
    not fit its table (PostgreSQL refuses it: a 500 instead of 'wrong username')."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX:
            raise ValidationError("Tên đăng nhập quá dài.", code="max_length")
        return username


class UnitProfileForm(forms.ModelForm):
    """The unit's profile as its officers keep it: the defaults of every report it exports."""

    class Meta:
        model = Unit
        fields = Unit.PROFILE_FIELDS
        widgets = {"noi_nhan": forms.Textarea(attrs={"rows": 4})}
