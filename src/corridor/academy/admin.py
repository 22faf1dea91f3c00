from django.contrib import admin

from corridor.academy.models import Academy, Programme

admin.site.register(Academy)
admin.site.register(Programme)
